#include "actors/settlement/ledger_view.hpp"

#include <algorithm>

#include "actors/settlement/entries_lookup.hpp"

namespace infergrid {
namespace {

std::vector<std::uint8_t> bytes_of(const digest& d) { return {d.begin(), d.end()}; }

void add_accounts(const ledger::ledger_state& state, ledger_view_report& out) {
  for (const auto& [name, a] : state.accounts()) {
    if (out.accounts.size() >= ledger_view_accounts_max) {
      out.accounts_truncated = true;
      break;
    }
    out.accounts.push_back(account_view{name, static_cast<std::uint8_t>(a.kind), a.balance_micro, a.staked_micro,
                                        a.unbonding_micro, a.escrowed_micro, a.first_stake_epoch,
                                        state.epoch_tokens(name)});
  }
}

// Reads the newest `count` entries plus the one before them (its hash is the first one's link),
// checks each, and that the newest is the ledger's last hash. A failed check is reported, not fatal.
status add_entries(ledger::ledger& books, std::uint64_t count, ledger_view_report& out) {
  const std::uint64_t last = books.last_seq();
  if (last == 0 || count == 0) return {};
  const std::uint64_t first = last > count ? last - count + 1 : 1;
  const std::uint64_t from = first > 1 ? first - 1 : 1;
  auto read = books.store().read_range(from, last - from + 1);
  if (!read.ok()) return read.err();
  digest prev = ledger::genesis_hash;
  std::uint64_t expected = from;
  for (const ledger::entry& e : *read) {
    if (e.seq < first) {
      prev = e.hash;  // the link into the window; itself checked when it was the newest
      expected = e.seq + 1;
      continue;
    }
    if (out.verify_error.empty()) {
      if (auto checked = ledger::check_entry(e, expected, prev); checked.ok()) ++out.verified_entries;
      else out.verify_error = checked.err().message;
    }
    prev = e.hash;
    expected = e.seq + 1;
    auto summary = summarise_entry(e);
    if (!summary.ok()) return summary.err();
    out.entries.push_back(std::move(summary).value());
  }
  if (out.verify_error.empty() && prev != books.last_hash()) {
    out.verify_error = "the newest entry read is not the ledger's last hash (entries missing or rewritten)";
  }
  std::reverse(out.entries.begin(), out.entries.end());
  return {};
}

}  // namespace

result<ledger_view_report> make_ledger_view(ledger::ledger& books, const ledger_view_query& query,
                                            bool with_account_data) {
  if (query.recent_entries > ledger_view_entries_max) {
    return make_error(error_code::invalid_argument, "recent_entries is at most " + std::to_string(ledger_view_entries_max));
  }
  const ledger::ledger_state& state = books.state();
  ledger_view_report out;
  out.epoch = state.epoch();
  out.last_seq = books.last_seq();
  out.last_hash = bytes_of(books.last_hash());
  out.signer.assign(books.signer_key().begin(), books.signer_key().end());
  out.open_escrows = state.open_escrow_count();
  IG_TRY(add_entries(books, query.recent_entries, out));
  if (with_account_data) {
    add_accounts(state, out);
  } else {
    out.entries.clear();
    out.account_data_withheld = true;
  }
  auto roots = books.store().epoch_roots();
  if (!roots.ok()) return roots.err();
  for (auto root = roots->rbegin(); root != roots->rend() && out.epochs.size() < ledger_view_epochs_max; ++root) {
    out.epochs.push_back(epoch_root_view{root->epoch, root->last_seq, bytes_of(root->root_hash)});
  }
  const ledger::ledger_config& config = books.config();
  out.weight_useful_tokens = config.weights.useful_tokens;
  out.weight_latency = config.weights.latency;
  out.weight_uptime = config.weights.uptime;
  out.weight_accuracy = config.weights.accuracy;
  out.early_participant_epochs = config.early_participant_epochs;
  out.early_participant_multiplier_percent = config.early_participant_multiplier_percent;
  out.unbonding_epochs = config.unbonding_epochs;
  return out;
}

}  // namespace infergrid
