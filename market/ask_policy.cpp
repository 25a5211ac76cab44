#include "market/ask_policy.hpp"

#include <algorithm>
#include <string>

namespace infergrid::market {

status validate_ask_bounds(const ask_bounds& bounds, const char* what) {
  if (bounds.ceiling_micro < bounds.floor_micro) {
    return make_error(error_code::invalid_argument, std::string(what) + ": the ceiling (" +
                                                        std::to_string(bounds.ceiling_micro) + ") is under the floor (" +
                                                        std::to_string(bounds.floor_micro) + ")");
  }
  return {};
}

std::uint32_t busy_permille(std::uint32_t running, std::uint32_t queued, std::uint32_t slots) {
  if (slots == 0) return 1000;
  const std::uint64_t busy = (static_cast<std::uint64_t>(running) + queued) * 1000 / (2ULL * slots);
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(busy, 1000));
}

std::uint64_t utilisation_ask_micro(const ask_bounds& bounds, std::uint32_t busy) {
  const std::uint64_t span = bounds.ceiling_micro > bounds.floor_micro ? bounds.ceiling_micro - bounds.floor_micro : 0;
  const std::uint64_t permille = std::min<std::uint32_t>(busy, 1000);
  // floor(span × permille / 1000) without the product (no overflow for any span).
  return bounds.floor_micro + span / 1000 * permille + span % 1000 * permille / 1000;
}

}  // namespace infergrid::market
