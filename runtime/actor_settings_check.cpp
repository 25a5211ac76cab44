#include "runtime/actor_settings_check.hpp"

#include "runtime/actor_kind_registry.hpp"

namespace infergrid {

status check_actor_settings(const node_config& config) {
  std::string errors;
  std::size_t failed = 0;
  for (const auto& actor : config.actors) {
    const settings_check check = actor_kind_settings_check(actor.kind);
    if (check == nullptr) continue;
    const status checked = check(actor.config);
    if (checked.ok()) continue;
    ++failed;
    errors += "\n  actor " + actor.name + " (" + actor.kind + "): " + checked.err().message;
  }
  if (failed == 0) return {};
  const std::string source = config.source.empty() ? std::string("<config>") : config.source;
  return make_error(error_code::invalid_argument, source + ": settings of " + std::to_string(failed) +
                                                      (failed == 1 ? " actor are" : " actors are") + " not valid:" + errors);
}

}  // namespace infergrid
