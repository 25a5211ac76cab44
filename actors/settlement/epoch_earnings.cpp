#include "actors/settlement/epoch_earnings.hpp"

#include <algorithm>

#include "actors/settlement/ledger/operation_codec.hpp"

namespace infergrid {
namespace {

constexpr std::uint64_t read_batch_entries = 512;

miner_epoch_earnings& row_of(epoch_earnings_view& view, const std::string& account) {
  auto found = std::lower_bound(view.miners.begin(), view.miners.end(), account,
                                [](const miner_epoch_earnings& m, const std::string& a) { return m.account < a; });
  if (found == view.miners.end() || found->account != account) found = view.miners.insert(found, {account});
  return *found;
}

// Adds what `e` paid miner accounts (their balance credits) to the epoch's rows.
status add_entry(const ledger::entry& e, const ledger::ledger_state& state, epoch_earnings_view& view) {
  auto op = ledger::decode_operation(e.op_bytes);
  if (!op.ok()) return op.err();
  const bool receipt = std::holds_alternative<ledger::settle_op>(*op) || std::holds_alternative<ledger::partial_settle_op>(*op);
  const bool reward = std::holds_alternative<ledger::epoch_close_op>(*op);
  if (!receipt && !reward) return {};
  auto out = ledger::decode_outcome(e.outcome_bytes);
  if (!out.ok()) return out.err();
  for (const ledger::posting& p : out->postings) {
    if (p.where != static_cast<std::uint8_t>(ledger::bucket::balance) || p.delta_micro <= 0) continue;
    const ledger::account* account = state.find(p.account);
    if (account == nullptr || account->kind != ledger::account_kind::miner) continue;
    miner_epoch_earnings& row = row_of(view, p.account);
    if (receipt) {
      row.receipts_micro += p.delta_micro;
      ++row.paid_receipts;
    } else {
      row.rewards_micro += p.delta_micro;
    }
  }
  return {};
}

}  // namespace

status epoch_earnings_book::sum_entries(ledger::ledger& books, const std::vector<ledger::epoch_root>& roots,
                                        std::uint64_t until_seq) {
  std::uint64_t budget = entries_per_call_;
  while (next_seq_ <= until_seq && budget > 0) {
    const std::uint64_t count = std::min({read_batch_entries, budget, until_seq - next_seq_ + 1});
    auto read = books.store().read_range(next_seq_, count);
    if (!read.ok()) return read.err();
    if (read->empty()) return make_error(error_code::internal, "ledger entry " + std::to_string(next_seq_) + " is missing");
    for (const ledger::entry& e : *read) {
      // The epoch whose range holds e: the first root at or after it.
      const auto root = std::lower_bound(roots.begin(), roots.end(), e.seq,
                                         [](const ledger::epoch_root& r, std::uint64_t seq) { return r.last_seq < seq; });
      if (root != roots.end()) {
        if (auto found = epochs_.find(root->epoch); found != epochs_.end()) IG_TRY(add_entry(e, books.state(), found->second));
      }
      next_seq_ = e.seq + 1;
    }
    budget -= read->size();
  }
  return {};
}

result<std::vector<epoch_earnings_view>> epoch_earnings_book::newest(ledger::ledger& books, std::uint32_t epochs) {
  std::vector<epoch_earnings_view> out;
  if (epochs == 0) return out;
  if (epochs > ledger_view_earnings_epochs_max) {
    return make_error(error_code::invalid_argument,
                      "earnings_epochs is at most " + std::to_string(ledger_view_earnings_epochs_max));
  }
  auto roots = books.store().epoch_roots();
  if (!roots.ok()) return roots.err();
  if (roots->empty()) return out;
  // The wanted epochs: the newest `epochs` roots. Older ones are forgotten; new ones start empty.
  const std::size_t first = roots->size() > epochs ? roots->size() - epochs : 0;
  std::map<std::int64_t, epoch_earnings_view> wanted;
  std::uint64_t restart_seq = 0;  // > 0: the walk passed a newly wanted epoch's entries without summing them
  for (std::size_t i = first; i < roots->size(); ++i) {
    const ledger::epoch_root& r = (*roots)[i];
    const std::uint64_t first_seq = i == 0 ? 1 : (*roots)[i - 1].last_seq + 1;
    auto kept = epochs_.find(r.epoch);
    if (kept != epochs_.end() && kept->second.last_seq == r.last_seq) {
      wanted.emplace(r.epoch, std::move(kept->second));
      continue;
    }
    wanted.emplace(r.epoch, epoch_earnings_view{r.epoch, first_seq, r.last_seq, false, {}});
    if (first_seq < next_seq_ && restart_seq == 0) restart_seq = first_seq;
  }
  epochs_ = std::move(wanted);
  if (restart_seq > 0) {  // sum again from there: the epochs after it would otherwise count twice
    for (auto& [epoch, view] : epochs_) {
      if (view.last_seq >= restart_seq) view = epoch_earnings_view{view.epoch, view.first_seq, view.last_seq, false, {}};
    }
    next_seq_ = restart_seq;
  }
  next_seq_ = std::max(next_seq_, epochs_.begin()->second.first_seq);  // nothing older is wanted
  IG_TRY(sum_entries(books, *roots, roots->back().last_seq));
  for (auto& [epoch, view] : epochs_) view.complete = view.last_seq < next_seq_;
  for (auto it = epochs_.rbegin(); it != epochs_.rend(); ++it) out.push_back(it->second);
  return out;
}

}  // namespace infergrid
