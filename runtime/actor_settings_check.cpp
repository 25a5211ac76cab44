#include "runtime/actor_settings_check.hpp"

#include "runtime/actor_kind_registry.hpp"

namespace infergrid {

std::vector<std::string> actor_settings_errors(const node_config& config) {
  std::vector<std::string> lines;
  for (const auto& actor : config.actors) {
    const settings_check check = actor_kind_settings_check(actor.kind);
    if (check == nullptr) continue;
    settings_errors errors;
    check(actor.config, errors);
    for (const auto& e : errors) lines.push_back("actor " + actor.name + " (" + actor.kind + "): " + e.message);
  }
  return lines;
}

status check_actor_settings(const node_config& config) {
  const std::vector<std::string> lines = actor_settings_errors(config);
  if (lines.empty()) return {};
  return list_of_errors(config.source, lines);
}

result<node_config> load_checked_config_file(const std::string& path) {
  auto text = read_config_text(path);
  if (!text.ok()) return text.err();
  settings_errors errors;
  node_config config = parse_config_listing_errors(*text, path, errors);
  std::vector<std::string> lines;
  for (const auto& e : errors) lines.push_back(e.message);
  for (auto& line : actor_settings_errors(config)) lines.push_back(std::move(line));
  if (lines.empty()) return config;
  return list_of_errors(path, lines);
}

}  // namespace infergrid
