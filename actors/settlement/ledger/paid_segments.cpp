#include "actors/settlement/ledger/paid_segments.hpp"

#include <algorithm>

namespace infergrid::ledger {
namespace {

std::string positions(std::int64_t first, std::int64_t tokens) {
  return std::to_string(first) + ".." + std::to_string(first + tokens);
}

}  // namespace

status paid_segments::check(const settlement_receipt& receipt) const {
  const std::string& request = receipt.request_id;
  for (const segment& s : paid_) {
    const bool same_miner = s.miner == receipt.miner;
    // Without a first index on either side the ranges are unknown: one payment per miner.
    if (same_miner && (!receipt.first_index || !s.first_index || *s.first_index == *receipt.first_index)) {
      return make_error(error_code::conflict, "miner " + receipt.miner + " was already paid for request " + request +
                                                  (s.first_index ? " from position " + std::to_string(*s.first_index) : ""));
    }
    if (!receipt.first_index || !s.first_index) continue;
    // Positions [first, first + tokens) on both sides; an empty range overlaps nothing.
    const std::int64_t start = *receipt.first_index, end = start + receipt.completion_tokens;
    if (std::max(start, *s.first_index) < std::min(end, *s.first_index + s.tokens)) {
      return make_error(error_code::conflict, "positions " + positions(start, receipt.completion_tokens) + " of request " +
                                                  request + " overlap positions " + positions(*s.first_index, s.tokens) +
                                                  " already paid to miner " + s.miner);
    }
  }
  return {};
}

void paid_segments::add(const settlement_receipt& receipt) {
  paid_.push_back(segment{receipt.miner, receipt.first_index, receipt.completion_tokens});
}

}  // namespace infergrid::ledger
