#pragma once
// settings: a YAML mapping from a config file, with typed getters whose errors name the file,
// line and key ("deploy/all-in-one.yaml:12: actors[0].settings.interval_ms: expected an integer").
// Each actor receives its `settings:` mapping as one of these.
//
// A reader stops at the first error, unless its settings list errors (`listing_errors_in`): then
// read_setting, read_required_setting, require_that and reject_unknown_keys note each error in the
// list and read on (the value keeps its default), so `infergrid check-config` shows every error at once.
#include <cstdint>
#include <string>
#include <type_traits>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "runtime/result.hpp"

namespace infergrid {

using settings_errors = std::vector<error>;

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
  // The element `index` of the list at `key` ("peers[2]").
  settings element(std::string_view key, std::size_t index) const;

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

  // Keys present in this mapping that are not in `known` produce an error naming the first one
  // (each one, when listing errors).
  status reject_unknown_keys(const std::vector<std::string_view>& known) const;

  // This mapping, its readers listing each error in `into` and reading on (children list there too).
  settings listing_errors_in(settings_errors& into) const;
  settings stopping_at_first_error() const;  // a copy to keep beyond the list's life
  // `problem` when this mapping stops at the first error; noted in the list, and ok, when it lists them.
  status report(status problem) const;
  // "file:line: path.key: why" unless `holds`, reported as above.
  status require_that(bool holds, std::string_view key, std::string_view why) const;

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
  settings_errors* listed_errors_ = nullptr;  // null: stop at the first error
};

// Overwrites `into` with the setting `key` when it is present (keeping the default otherwise); a
// value of the wrong type is an error naming the file, line and key. Every actor's config reader uses it.
template <class T>
status read_setting(const settings& config, std::string_view key, T& into) {
  auto value = config.get<T>(key, into);
  if (!value.ok()) return config.report(value.err());
  into = std::move(*value);
  return {};
}

// As read_setting, for a key that must be present.
template <class T>
status read_required_setting(const settings& config, std::string_view key, T& into) {
  auto value = config.require<T>(key);
  if (!value.ok()) return config.report(value.err());
  into = std::move(*value);
  return {};
}

}  // namespace infergrid
