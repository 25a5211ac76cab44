#include "actors/health/health_state.hpp"

#include "runtime/actor_kind_registry.hpp"

namespace infergrid {

health_state::health_state(actor_context& context, const settings&) : ctx(context) {}

status health_state::read_settings(const settings& config) { return config.reject_unknown_keys({}); }

result<std::unique_ptr<health_state>> health_state::create(actor_context& ctx, const settings& config) {
  IG_TRY(read_settings(config));
  return std::make_unique<health_state>(ctx, config);
}

health_report health_state::report() const {
  health_report out;
  out.node = ctx.node_name();
  out.uptime_ms = static_cast<std::uint64_t>(ctx.node_uptime_ms());
  out.actors = ctx.node_metrics();
  return out;
}

handler_table health_state::handlers() {
  return {
      on<health_request>([this](const health_request&) -> result<health_report> { return report(); }),
      on<ping>([this](const ping& request) -> result<pong> {
        ++pings_answered;
        return pong{request.sequence, request.payload, ctx.address()};
      }),
  };
}

IG_REGISTER_ACTOR_KIND("health", health_state);

}  // namespace infergrid
