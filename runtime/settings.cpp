#include "runtime/settings.hpp"

namespace infergrid {

settings::settings(YAML::Node node, std::string source, std::string path)
    : node_(std::move(node)), source_(std::move(source)), path_(std::move(path)) {}

bool settings::has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  const YAML::Node value = node_[std::string(key)];
  return value.IsDefined() && !value.IsNull();
}

std::string settings::key_path(std::string_view key) const {
  if (key.empty()) return path_;
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

std::string settings::where(std::string_view key) const {
  int line = fallback_line_;
  try {
    if (node_.IsDefined() && node_.Mark().line >= 0) line = node_.Mark().line;
    if (!key.empty() && node_.IsMap()) {
      const YAML::Node value = node_[std::string(key)];
      if (value.IsDefined() && value.Mark().line >= 0) line = value.Mark().line;
    }
  } catch (const YAML::Exception&) {
  }
  std::string out = source_.empty() ? std::string("<config>") : source_;
  if (line >= 0) out += ":" + std::to_string(line + 1);
  if (!key.empty()) out += ": " + key_path(key);
  return out;
}

settings settings::child(std::string_view key) const {
  int line = fallback_line_;
  try {
    if (node_.IsDefined() && node_.Mark().line >= 0) line = node_.Mark().line;
  } catch (const YAML::Exception&) {
  }
  settings out(has(key) ? node_[std::string(key)] : YAML::Node(), source_, key_path(key));
  out.fallback_line_ = line;
  return out;
}

status settings::reject_unknown_keys(const std::vector<std::string_view>& known) const {
  if (!node_.IsMap()) return {};
  for (const auto& entry : node_) {
    const auto key = entry.first.as<std::string>();
    bool found = false;
    for (auto candidate : known) found = found || candidate == key;
    if (!found) {
      std::string names;
      for (auto candidate : known) names += (names.empty() ? "" : ", ") + std::string(candidate);
      const std::string expected = known.empty() ? "this mapping takes no keys" : "expected one of: " + names;
      return make_error(error_code::invalid_argument, where(key) + ": unknown key '" + key + "' (" + expected + ")");
    }
  }
  return {};
}

}  // namespace infergrid
