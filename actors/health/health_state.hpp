#pragma once
// health: every node hosts one. Answers `health_request` with the node's name, uptime and every
// actor's message counters, and `ping` with a `pong` echoing its sequence and payload.
// Used by `infergrid ping` and the multi-process tests. Settings: none.
#include <cstdint>

#include "messages/system.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/handler_table.hpp"
#include "runtime/settings.hpp"

namespace infergrid {

struct health_state {
  health_state(actor_context& ctx, const settings& config);
  static status read_settings(const settings& config);  // none: any key is refused
  static result<std::unique_ptr<health_state>> create(actor_context& ctx, const settings& config);
  handler_table handlers();

  health_report report() const;

  actor_context& ctx;
  std::uint64_t pings_answered = 0;
};

}  // namespace infergrid
