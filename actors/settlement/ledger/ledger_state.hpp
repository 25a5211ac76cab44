#pragma once
// ledger_state: the deterministic in-memory ledger. apply() either fully applies an operation or
// changes nothing and returns the error; replaying the same operations from the same config always
// yields the same state and the same outcomes — `ledger verify` relies on that. No I/O here, except
// through the request_index it is given (the ledger's is its SQLite table of escrowed request ids).
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/settlement/ledger/ledger_config.hpp"
#include "actors/settlement/ledger/operation.hpp"
#include "actors/settlement/ledger/outcome.hpp"
#include "actors/settlement/ledger/paid_segments.hpp"
#include "actors/settlement/ledger/request_index.hpp"
#include "runtime/result.hpp"

namespace infergrid::ledger {

// Bounds on what the state may hold (each is an operating limit: exceeding one is an error).
inline constexpr std::size_t account_id_bytes_max = 128;     // ids are names or 64-hex public keys
inline constexpr std::size_t unbondings_per_account_max = 64;  // pending unbond requests per account
inline constexpr std::size_t open_escrows_max = 10'000'000;  // requests in flight at once
inline constexpr std::size_t verdict_tallies_max = 1'000'000;  // audited receipts per epoch
inline constexpr std::size_t metrics_per_epoch_max = 100'000;  // miners scored in one epoch
inline constexpr std::size_t refund_reason_bytes_max = 256;
inline constexpr std::int64_t receipt_tokens_max = 1'000'000'000;  // prompt or completion tokens per receipt
inline constexpr std::int64_t parts_per_million = 1'000'000;

struct account {
  account_kind kind = account_kind::developer;
  micro_units balance_micro = 0;    // free to spend, transfer, stake or withdraw
  micro_units staked_micro = 0;     // bonded: counts toward the scheduling / voting minimum
  micro_units unbonding_micro = 0;  // unbonded but still locked and slashable
  micro_units escrowed_micro = 0;   // held for the account's requests in flight
  std::int64_t first_stake_epoch = -1;
  micro_units total_micro() const { return balance_micro + staked_micro + unbonding_micro + escrowed_micro; }
  bool operator==(const account&) const = default;
};

struct unbonding {
  micro_units amount_micro = 0;
  std::int64_t release_epoch = 0;
};

struct escrow {
  std::string payer;
  micro_units held_micro = 0;  // what it still holds: the escrowed cost less partial payments
  micro_units prompt_price_per_1k_micro = 0;
  micro_units completion_price_per_1k_micro = 0;
  std::int64_t expires_at_unix_ms = 0;  // 0 = none (written before escrows expired)
  paid_segments paid;  // what partial settlements paid: each generated position once
};

// The prices a receipt is paid at: the miner's ask, each capped by the escrow's price (the payer's
// cap); the escrow's prices for a receipt without an ask.
receipt_ask paid_price(const escrow& e, const settlement_receipt& receipt);

// Cumulative external withdrawals (withdraw_op) per account as they stood when `epoch` closed: what an
// epoch's on-chain balances root grants (actors/settlement/chain_anchor.hpp). epoch -1: none closed yet.
struct closed_withdrawals {
  std::int64_t epoch = -1;
  std::map<std::string, micro_units, std::less<>> withdrawn_micro;
};

// One audited receipt: a request id and the miner judged on it. A request several miners served
// (partial claims, A → B → A) has a receipt per miner, and a verdict naming another miner is a
// verdict on another receipt: it cannot block the verdicts on this one.
using receipt_key = std::pair<std::string, std::string>;  // request id, miner

struct verdict_tally {
  std::set<std::string> guilty;
  std::set<std::string> innocent;
  bool convicted = false;
};

// A conviction the vault has yet to execute (ledger_config::slashes_on_chain): who, and who voted guilty.
struct awaiting_slash {
  std::string miner;
  std::vector<std::string> voters;
};

class ledger_state {
 public:
  // `requests` (not owned; must outlive the state) answers which request ids were ever escrowed;
  // null: the state keeps them all in memory (a memory_request_index of its own).
  explicit ledger_state(ledger_config config, request_index* requests = nullptr);

  // Validates `op` against the current state; on success applies it and returns what it did.
  result<outcome> apply(const operation& op);

  const ledger_config& config() const { return config_; }
  const account* find(std::string_view id) const;
  const std::map<std::string, account, std::less<>>& accounts() const { return accounts_; }
  const escrow* find_escrow(std::string_view request_id) const;
  // Whether the request's escrow was opened and has since been settled or refunded (asks the index).
  result<bool> escrow_closed(std::string_view request_id) const;
  // Operations applied so far: for the ledger's state, the seq of the last entry.
  std::uint64_t applied() const { return applied_; }
  bool schedulable(std::string_view miner) const;  // miner with stake >= miner_stake_min_micro
  bool can_vote(std::string_view validator) const;  // validator with stake >= validator_stake_min_micro
  std::int64_t epoch() const { return epoch_; }
  bool early_window_open() const { return early_window_open_; }
  // Tokens settled to `miner` in the open epoch (the score's useful work so far).
  std::int64_t epoch_tokens(std::string_view miner) const {
    const auto found = epoch_tokens_.find(miner);
    return found == epoch_tokens_.end() ? 0 : found->second;
  }
  // Prompt + completion tokens settled in the open epoch, all miners (a demand-driven close's demand).
  std::int64_t epoch_tokens_total() const {
    std::int64_t total = 0;
    for (const auto& [miner, tokens] : epoch_tokens_) total += tokens;
    return total;
  }
  // Micro-units credited to `miner` in the open epoch from receipts another account paid (the
  // score's useful work at a close counting useful_work::value_paid).
  micro_units epoch_value_paid(std::string_view miner) const {
    const auto found = epoch_value_paid_.find(miner);
    return found == epoch_value_paid_.end() ? 0 : found->second;
  }
  // The same, all miners (a demand-driven close's demand when it counts value_paid).
  micro_units epoch_value_paid_total() const {
    wide_integer total = 0;
    for (const auto& [miner, value] : epoch_value_paid_) total += value;
    return static_cast<micro_units>(std::min<wide_integer>(total, amount_max_micro));
  }
  // The tokens the newest epoch close counted (epoch_tokens_total() as that close was applied).
  std::int64_t last_close_tokens() const { return last_close_tokens_; }
  micro_units supply_micro() const { return supply_micro_; }
  // Every account's withdrawals so far, summed; and as they stood at the last epoch close.
  const std::map<std::string, micro_units, std::less<>>& withdrawn() const { return withdrawn_micro_; }
  const closed_withdrawals& withdrawn_at_close() const { return withdrawn_at_close_; }
  std::size_t open_escrow_count() const { return escrows_.size(); }
  const std::map<std::string, escrow, std::less<>>& open_escrows() const { return escrows_; }

  // slashes_on_chain: a conviction whose forfeit waits for the vault's Slashed event (by receipt).
  const awaiting_slash* awaiting_chain_slash(const std::string& request_id, const std::string& miner) const {
    const auto found = awaiting_chain_slash_.find(receipt_key{request_id, miner});
    return found == awaiting_chain_slash_.end() ? nullptr : &found->second;
  }

  // Full recount: every bucket >= 0, buckets sum to the supply, escrows and unbondings match the
  // accounts' escrowed/unbonding buckets, closed escrows were fully settled + refunded. O(state).
  status check_invariants() const;

  // Accounts changed since the last call (for the store to write back).
  std::vector<std::string> take_touched();

 private:
  struct plan {
    std::vector<posting> postings;
    std::vector<std::pair<std::string, account_kind>> creates;  // accounts a posting may create
    micro_units supply_delta_micro = 0;
    void add(const std::string& id, bucket where, micro_units delta_micro);
  };
  status check(const plan& p) const;
  void commit(const plan& p);

  result<outcome> apply_one(const deposit_op& op);
  result<outcome> apply_one(const withdraw_op& op);
  result<outcome> apply_one(const mint_op& op);
  result<outcome> apply_one(const burn_op& op);
  result<outcome> apply_one(const transfer_op& op);
  result<outcome> apply_one(const stake_op& op);
  result<outcome> apply_one(const unbond_op& op);
  result<outcome> apply_one(const withdraw_unbonded_op& op);
  result<outcome> apply_one(const unbonding_paid_op& op);
  result<outcome> apply_one(const escrow_op& op);
  result<outcome> apply_one(const settle_op& op);
  result<outcome> apply_one(const refund_op& op);
  result<outcome> apply_one(const verdict_op& op);
  result<outcome> apply_one(const epoch_close_op& op);
  result<outcome> apply_one(const partial_settle_op& op);
  result<outcome> apply_one(const chain_slash_op& op);

  result<outcome> supply_in(const std::string& id, account_kind kind_if_new, micro_units amount_micro);
  result<outcome> supply_out(const std::string& id, micro_units amount_micro);
  result<outcome> run(plan p);  // check, commit, return the postings as the outcome
  // The payment a miner's signed claim earns from its request's open escrow (checked: escrow open,
  // miner account, digest, token bound, once per miner, signature): the miner's and the treasury's
  // postings and the payer's escrowed debit of the cost.
  struct claim_plan {
    escrow held;  // the escrow as it was before this payment
    plan payment;
    micro_units cost_micro = 0;
    micro_units miner_micro = 0;  // the miner's credit: cost_micro less the fee
  };
  result<claim_plan> plan_claim(const settlement_receipt& receipt, const byte_vector& miner_signature) const;
  // Adds a paid claim to the open epoch's useful work: its tokens, and the miner's credit when the
  // payer is another account.
  void count_settled_work(const settlement_receipt& receipt, const claim_plan& claim);
  result<const account*> existing(std::string_view id) const;
  account_kind kind_for_new(std::string_view id) const;
  plan slash_plan(const std::string& miner, const std::set<std::string>& reporters, micro_units* forfeited_staked,
                  micro_units* forfeited_unbonding) const;
  plan forfeit_plan(const std::string& miner, micro_units forfeit_micro, const std::vector<std::string>& reporters,
                    micro_units each_micro, micro_units* forfeited_staked, micro_units* forfeited_unbonding) const;
  void take_from_unbondings(const std::string& miner, micro_units amount_micro);
  std::map<std::string, std::int64_t> correct_verdicts() const;
  result<plan> reward_plan(const epoch_close_op& op) const;
  // First staked before early_participant_epochs, or while the early window was open.
  bool early_participant(std::string_view miner) const;
  market::demand_measure measured_demand(const epoch_close_op& op) const;

  ledger_config config_;
  std::map<std::string, account, std::less<>> accounts_;
  std::map<std::string, std::vector<unbonding>, std::less<>> unbondings_;
  std::map<std::string, escrow, std::less<>> escrows_;  // open escrows by request id
  // Request ids ever escrowed (open or closed): only asked, never held here, so the state does not
  // grow with the requests served. requests_ is own_requests_ or the index the owner gave.
  std::unique_ptr<request_index> own_requests_;
  request_index* requests_ = nullptr;
  std::uint64_t applied_ = 0;
  std::map<receipt_key, verdict_tally> tallies_;  // this epoch's audited receipts
  std::set<receipt_key> convicted_;               // receipts that already cost a slash
  std::map<receipt_key, awaiting_slash> awaiting_chain_slash_;  // slashes_on_chain: convicted, not booked
  std::map<std::string, std::int64_t, std::less<>> epoch_tokens_;  // miner → tokens settled this epoch
  std::map<std::string, micro_units, std::less<>> epoch_value_paid_;  // miner → credit others paid this epoch
  std::int64_t last_close_tokens_ = 0;
  std::set<std::string> touched_;
  // The early window: open while the last demand-driven epoch close found the grid short of supply
  // (market::short_of_supply); miners whose first stake came while it was open.
  bool early_window_open_ = false;
  std::set<std::string, std::less<>> early_by_demand_;
  std::int64_t epoch_ = 0;
  micro_units supply_micro_ = 0;
  std::map<std::string, micro_units, std::less<>> withdrawn_micro_;
  closed_withdrawals withdrawn_at_close_;
};

status validate_account_id(std::string_view id);
// Checks that `sig_bytes` is the signature of `message` by the account whose id is its public key hex.
status verify_account_signature(std::string_view account_id, std::span<const std::uint8_t> message,
                                std::span<const std::uint8_t> sig_bytes);

}  // namespace infergrid::ledger
