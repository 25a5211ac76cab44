#pragma once
// settings: a YAML mapping from a config file, with typed getters whose errors name the file,
// line and key ("deploy/all-in-one.yaml:12: actors[0].settings.interval_ms: expected an integer").
// Each actor receives its `settings:` mapping as one of these.
#include <cstdint>
#include <string>
#include <type_traits>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runtime/result.hpp"

namespace infergrid {

class settings {
 public:
  settings() = default;
  settings(YAML::Node node, std::string source, std::string path);

  const YAML::Node& yaml() const { return node_; }
  const std::string& source() const { return source_; }
  bool has(std::string_view key) const;
  // "file:line: path.key" for messages about `key` (or about this mapping when key is empty).
  std::string where(std::string_view key = {}) const;
  std::string key_path(std::string_view key) const;
  settings child(std::string_view key) const;

  template <class T>
  result<T> require(std::string_view key) const {
    if (!has(key)) return make_error(error_code::invalid_argument, where() + ": missing key '" + key_path(key) + "'");
    return convert<T>(key);
  }

  template <class T>
  result<T> get(std::string_view key, T fallback) const {
    if (!has(key)) return fallback;
    return convert<T>(key);
  }

  // Keys present in this mapping that are not in `known` produce an error naming the first one.
  status reject_unknown_keys(const std::vector<std::string_view>& known) const;

 private:
  template <class T>
  result<T> convert(std::string_view key) const {
    const YAML::Node value = node_[std::string(key)];
    try {
      if (value.IsScalar() || !is_scalar_type<T>()) return value.as<T>();
    } catch (const YAML::Exception&) {
    }
    return make_error(error_code::invalid_argument, where(key) + ": expected " + type_name<T>());
  }

  template <class T>
  static constexpr bool is_scalar_type() {
    return std::is_arithmetic_v<T> || std::is_same_v<T, std::string>;
  }

  template <class T>
  static std::string type_name() {
    if constexpr (std::is_same_v<T, bool>) return "a boolean (true/false)";
    else if constexpr (std::is_integral_v<T>) return "an integer";
    else if constexpr (std::is_floating_point_v<T>) return "a number";
    else if constexpr (std::is_same_v<T, std::string>) return "a string";
    else if constexpr (std::is_same_v<T, std::vector<std::string>>) return "a list of strings";
    else return "a value of another type";
  }

  YAML::Node node_;
  std::string source_;
  std::string path_;
  int fallback_line_ = -1;  // line of the enclosing mapping, for keys of a missing child
};

// Overwrites `into` with the setting `key` when it is present (keeping the default otherwise); a
// value of the wrong type is an error naming the file, line and key. Every actor's config reader uses it.
template <class T>
status read_setting(const settings& config, std::string_view key, T& into) {
  auto value = config.get<T>(key, into);
  if (!value.ok()) return value.err();
  into = std::move(*value);
  return {};
}

}  // namespace infergrid
