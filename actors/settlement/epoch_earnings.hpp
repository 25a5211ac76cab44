#pragma once
// epoch_earnings: what each miner account was paid in each closed epoch (the dashboard's "earnings
// per epoch"): its balance credits from receipts (settle, partial_settle) and from the epoch close's
// reward, summed over the entries from the previous epoch root's seq + 1 to the epoch's own root (its
// close entry). A closed epoch's entries never change, so each is summed once and kept; the walk
// reads at most `entries_per_call` entries per call, so a huge epoch costs several views, not one
// long stall of the settlement actor (such an epoch is reported with complete = false meanwhile).
#include <cstdint>
#include <map>
#include <vector>

#include "actors/settlement/ledger/ledger.hpp"
#include "messages/ledger_view.hpp"
#include "runtime/result.hpp"

namespace infergrid {

class epoch_earnings_book {
 public:
  static constexpr std::uint64_t default_entries_per_call = 20'000;
  explicit epoch_earnings_book(std::uint64_t entries_per_call = default_entries_per_call)
      : entries_per_call_(entries_per_call) {}

  // The newest `epochs` closed epochs (at most ledger_view_earnings_epochs_max), newest first.
  result<std::vector<epoch_earnings_view>> newest(ledger::ledger& books, std::uint32_t epochs);

 private:
  status sum_entries(ledger::ledger& books, const std::vector<ledger::epoch_root>& roots, std::uint64_t until_seq);

  std::uint64_t entries_per_call_;
  std::map<std::int64_t, epoch_earnings_view> epochs_;  // by epoch: the wanted ones, summed or being summed
  std::uint64_t next_seq_ = 0;                          // the next entry to add (0 = none read yet)
};

}  // namespace infergrid
