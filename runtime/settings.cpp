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
  out.listed_errors_ = listed_errors_;
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
      IG_TRY(report(make_error(error_code::invalid_argument, where(key) + ": unknown key '" + key + "' (" + expected + ")")));
    }
  }
  return {};
}

settings settings::element(std::string_view key, std::size_t index) const {
  settings out(node_[std::string(key)][index], source_, key_path(key) + "[" + std::to_string(index) + "]");
  out.listed_errors_ = listed_errors_;
  return out;
}

settings settings::stopping_at_first_error() const {
  settings out = *this;
  out.listed_errors_ = nullptr;
  return out;
}

settings settings::listing_errors_in(settings_errors& into) const {
  settings out = *this;
  out.listed_errors_ = &into;
  return out;
}

status settings::report(status problem) const {
  if (problem.ok() || listed_errors_ == nullptr) return problem;
  listed_errors_->push_back(problem.err());
  return {};
}

status settings::require_that(bool holds, std::string_view key, std::string_view why) const {
  if (holds) return {};
  return report(make_error(error_code::invalid_argument, where(key) + ": " + std::string(why)));
}

}  // namespace infergrid
