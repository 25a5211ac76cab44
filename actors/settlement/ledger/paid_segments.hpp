#pragma once
// paid_segments: which generated positions of one open request the ledger has paid, and to whom.
// A receipt claims positions [first_index, first_index + completion_tokens) of its request; each
// position is paid once, so after a failover A → B → A the first worker is paid for both of its
// segments and nobody twice for the same token. A receipt signed before receipts carried their
// first index claims an unknown range: its miner is then paid once per request, as before.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/settlement/ledger/operation.hpp"
#include "runtime/result.hpp"

namespace infergrid::ledger {

class paid_segments {
 public:
  // ok when paying `receipt` pays no position (and, for a receipt without a first index, no miner)
  // twice; a conflict error naming what was already paid otherwise.
  status check(const settlement_receipt& receipt) const;
  void add(const settlement_receipt& receipt);
  bool empty() const { return paid_.empty(); }

 private:
  struct segment {
    std::string miner;
    std::optional<std::int64_t> first_index;
    std::int64_t tokens = 0;
  };
  std::vector<segment> paid_;
};

}  // namespace infergrid::ledger
