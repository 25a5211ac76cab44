#pragma once
// sequential_pinger: a test actor that sends `count` pings to `target` one after another (each
// after the previous reply) and reports through a promise how many pongs came back intact.
#include <cstdint>
#include <future>
#include <string>
#include <vector>

#include "messages/system.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/handler_table.hpp"

namespace infergrid::testing {

struct sequential_pinger {
  sequential_pinger(actor_context& context, std::string target_name, int count, std::size_t payload_bytes,
                    std::promise<int>* done)
      : ctx(context), target(std::move(target_name)), remaining(count), payload(payload_bytes, 7), finished(done) {}
  handler_table handlers() { return {}; }
  void on_start() { next(); }
  void next() {
    if (remaining == 0) return finished->set_value(matched);
    // Sequences start above 1000 so they never hit a test actor's special values.
    const auto sequence = 1000 + static_cast<std::uint64_t>(remaining--);
    ctx.request<pong>(target, ping{sequence, payload}, 5000, [this, sequence](result<pong> reply) {
      if (reply.ok() && reply->sequence == sequence && reply->payload == payload) ++matched;
      next();
    });
  }

  actor_context& ctx;
  std::string target;
  int remaining;
  std::vector<std::uint8_t> payload;
  int matched = 0;
  std::promise<int>* finished;
};

}  // namespace infergrid::testing
