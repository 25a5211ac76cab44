// ledger_state: validator verdicts; a quorum of guilty verdicts convicts the miner and slashes it —
// at once, or, when stakes are in custody on a chain (slashes_on_chain), as the vault's Slashed event says.
#include "actors/settlement/ledger/ledger_assert.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"

namespace infergrid::ledger {

result<outcome> ledger_state::apply_one(const verdict_op& op) {
  const verdict& body = op.body;
  if (body.request_id.empty() || body.request_id.size() > account_id_bytes_max) {
    return make_error(error_code::invalid_argument, "verdict request id must be 1 to 128 bytes");
  }
  auto validator = existing(body.validator);
  if (!validator) return validator.err();
  if (!can_vote(body.validator)) {
    return make_error(error_code::insufficient_funds, "validator " + body.validator + " stake " +
                                                          format_amount((*validator)->staked_micro) +
                                                          " is under the voting minimum");
  }
  auto miner = existing(body.miner);
  if (!miner) return miner.err();
  if ((*miner)->kind != account_kind::miner) return make_error(error_code::invalid_argument, body.miner + " is not a miner");
  IG_TRY(verify_account_signature(body.validator, signing_bytes(body), op.validator_signature));
  const receipt_key receipt{body.request_id, body.miner};
  auto it = tallies_.find(receipt);
  if (it != tallies_.end()) {
    if (it->second.guilty.contains(body.validator) || it->second.innocent.contains(body.validator)) {
      return make_error(error_code::conflict, "validator " + body.validator + " already judged " + body.request_id);
    }
  } else if (tallies_.size() >= verdict_tallies_max) {
    return make_error(error_code::too_large, "too many audited receipts this epoch");
  }
  verdict_tally tally = it != tallies_.end() ? it->second : verdict_tally{{}, {}, convicted_.contains(receipt)};
  (body.guilty ? tally.guilty : tally.innocent).insert(body.validator);
  const bool convicts = body.guilty && !tally.convicted &&
                        tally.guilty.size() >= static_cast<std::size_t>(config_.conviction_quorum);
  outcome out;
  if (convicts) {
    if (config_.slashes_on_chain) {
      // The vault executes the slash; its Slashed event books the forfeit (chain_slash_op).
      awaiting_chain_slash_.insert_or_assign(receipt, awaiting_slash{body.miner, {tally.guilty.begin(), tally.guilty.end()}});
    } else {
      micro_units from_staked = 0;
      micro_units from_unbonding = 0;
      auto slashed = run(slash_plan(body.miner, tally.guilty, &from_staked, &from_unbonding));
      if (!slashed) return slashed.err();
      take_from_unbondings(body.miner, from_unbonding);
      out = std::move(*slashed);
    }
    tally.convicted = true;
    convicted_.insert(receipt);
    out.convicted = true;
    out.miner_unschedulable = !schedulable(body.miner);
  }
  tallies_.insert_or_assign(receipt, std::move(tally));
  return out;
}

result<outcome> ledger_state::apply_one(const chain_slash_op& op) {
  constexpr std::size_t voters_max = 256;
  const receipt_key receipt{op.request_id, op.miner};
  const auto awaiting = op.request_id.empty() ? awaiting_chain_slash_.end() : awaiting_chain_slash_.find(receipt);
  const bool awaited = awaiting != awaiting_chain_slash_.end();
  // Only a slash this ledger convicted may forfeit nothing (the miner had nothing bonded on the vault).
  if (op.forfeit_micro < (awaited ? 0 : 1) || op.reward_per_voter_micro < 0 || op.treasury_share_micro < 0 || op.voters.empty() ||
      op.voters.size() > voters_max || op.request_id.size() > account_id_bytes_max) {
    return make_error(error_code::invalid_argument,
                      "a chain slash needs a positive forfeit (zero only for one this ledger convicted), 1 to 256 voters, shares >= 0 and a request id of at most 128 bytes");
  }
  const auto voter_count = static_cast<micro_units>(op.voters.size());
  if (op.reward_per_voter_micro > op.forfeit_micro / voter_count ||
      op.reward_per_voter_micro * voter_count + op.treasury_share_micro != op.forfeit_micro) {
    return make_error(error_code::invalid_argument, "a chain slash's voter rewards and treasury share must add up to its forfeit");
  }
  if (std::set<std::string>(op.voters.begin(), op.voters.end()).size() != op.voters.size()) {
    return make_error(error_code::invalid_argument, "a chain slash names a voter twice");
  }
  for (const std::string& voter : op.voters) IG_TRY(validate_account_id(voter));
  if (!awaited && !op.request_id.empty() && convicted_.contains(receipt)) {
    return make_error(error_code::conflict, op.miner + " on request " + op.request_id +
                                                " was convicted here already: that slash is booked");
  }
  auto miner = existing(op.miner);
  if (!miner) return miner.err();
  if ((*miner)->kind != account_kind::miner) return make_error(error_code::invalid_argument, op.miner + " is not a miner");
  const micro_units bonded_micro = (*miner)->staked_micro + (*miner)->unbonding_micro;
  if (op.forfeit_micro > bonded_micro) {
    return make_error(error_code::conflict, "the vault slashed " + format_amount(op.forfeit_micro) + " of " + op.miner +
                                                ", which has " + format_amount(bonded_micro) + " bonded in this ledger");
  }
  micro_units from_staked = 0;
  micro_units from_unbonding = 0;
  plan p = forfeit_plan(op.miner, op.forfeit_micro, op.voters, op.reward_per_voter_micro, &from_staked, &from_unbonding);
  for (const std::string& voter : op.voters) p.creates.emplace_back(voter, account_kind::validator);
  auto out = run(std::move(p));
  if (!out) return out;
  take_from_unbondings(op.miner, from_unbonding);
  if (awaited) awaiting_chain_slash_.erase(awaiting);
  if (!op.request_id.empty()) convicted_.insert(receipt);
  out->convicted = true;
  out->miner_unschedulable = !schedulable(op.miner);
  return out;
}

// Forfeits slash_bps of the miner's bonded stake; reporters share slash_reporter_bps of it equally,
// the treasury gets the rest including the rounding remainder.
ledger_state::plan ledger_state::slash_plan(const std::string& miner, const std::set<std::string>& reporters,
                                            micro_units* forfeited_staked, micro_units* forfeited_unbonding) const {
  const account& a = *find(miner);
  const micro_units bonded_micro = a.staked_micro + a.unbonding_micro;
  const micro_units forfeit_micro = mul_div_floor(bonded_micro, config_.slash_bps, basis_points_whole);
  const micro_units reporters_micro = mul_div_floor(forfeit_micro, config_.slash_reporter_bps, basis_points_whole);
  IG_LEDGER_ASSERT(!reporters.empty());
  const micro_units each_micro = reporters_micro / static_cast<micro_units>(reporters.size());
  return forfeit_plan(miner, forfeit_micro, {reporters.begin(), reporters.end()}, each_micro, forfeited_staked,
                      forfeited_unbonding);
}

// Takes forfeit_micro from the miner (staked first, then unbonding) into each reporter's balance
// (each_micro) and the treasury's (the rest) — the split of a verdict quorum's slash and of the vault's.
ledger_state::plan ledger_state::forfeit_plan(const std::string& miner, micro_units forfeit_micro,
                                              const std::vector<std::string>& reporters, micro_units each_micro,
                                              micro_units* forfeited_staked, micro_units* forfeited_unbonding) const {
  const account& a = *find(miner);
  *forfeited_staked = std::min(forfeit_micro, a.staked_micro);
  *forfeited_unbonding = forfeit_micro - *forfeited_staked;
  IG_LEDGER_ASSERT(*forfeited_unbonding <= a.unbonding_micro);
  plan p;
  p.creates.emplace_back(config_.treasury_account, account_kind::treasury);
  p.add(miner, bucket::staked, -*forfeited_staked);
  p.add(miner, bucket::unbonding, -*forfeited_unbonding);
  for (const std::string& reporter : reporters) p.add(reporter, bucket::balance, each_micro);
  p.add(config_.treasury_account, bucket::balance, forfeit_micro - each_micro * static_cast<micro_units>(reporters.size()));
  return p;
}

// A verdict is correct when it agrees with the receipt's outcome this epoch (convicted or not).
std::map<std::string, std::int64_t> ledger_state::correct_verdicts() const {
  std::map<std::string, std::int64_t> correct;
  for (const auto& [receipt, tally] : tallies_) {
    for (const std::string& validator : tally.convicted ? tally.guilty : tally.innocent) ++correct[validator];
  }
  return correct;
}

}  // namespace infergrid::ledger
