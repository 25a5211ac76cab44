#include "runtime/yaml_duplicate_keys.hpp"

#include <map>
#include <set>
#include <utility>

namespace infergrid {
namespace {

using position = std::pair<int, int>;  // line, column: an alias shares its anchor's, so it is walked once

class duplicate_key_walk {
 public:
  explicit duplicate_key_walk(const std::string& source) : source_(source) {}

  status walk(const YAML::Node& node, const std::string& path, int depth) {
    if (!node.IsMap() && !node.IsSequence()) return {};
    if (depth > yaml_max_depth) {
      return refuse(node, path, "nested deeper than " + std::to_string(yaml_max_depth) + " levels");
    }
    if (!walked_.insert({node.Mark().line, node.Mark().column}).second) return {};
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) IG_TRY(walk(node[i], path + "[" + std::to_string(i) + "]", depth + 1));
      return {};
    }
    std::map<std::string, int> first_lines;
    for (auto pair = node.begin(); pair != node.end(); ++pair) {
      if (!pair->first.IsScalar()) continue;  // a complex key: nothing a config reads
      const std::string& key = pair->first.Scalar();
      const std::string key_path = path.empty() ? key : path + "." + key;
      const auto [first, inserted] = first_lines.emplace(key, pair->first.Mark().line);
      if (!inserted) {
        return refuse(pair->first, key_path, "duplicate key (first at line " + std::to_string(first->second + 1) +
                                                 "); YAML would keep only the first: remove one of them");
      }
      IG_TRY(walk(pair->second, key_path, depth + 1));
    }
    return {};
  }

 private:
  error refuse(const YAML::Node& at, const std::string& path, const std::string& what) const {
    return make_error(error_code::invalid_argument,
                      source_ + ":" + std::to_string(at.Mark().line + 1) + ": " + (path.empty() ? "" : path + ": ") + what);
  }

  const std::string& source_;
  std::set<position> walked_;
};

}  // namespace

status reject_duplicate_keys(const YAML::Node& document, const std::string& source) {
  return duplicate_key_walk(source).walk(document, "", 0);
}

}  // namespace infergrid
