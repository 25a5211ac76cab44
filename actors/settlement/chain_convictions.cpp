#include "actors/settlement/chain_convictions.hpp"

#include <algorithm>

#include "actors/settlement/chain/slash_statement.hpp"
#include "actors/settlement/chain_ledger_operations.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"
#include "runtime/log.hpp"

namespace infergrid {
namespace {

// The chain address that made an r | s | v signature over `digest`.
result<chain::address> signer_of(const chain::word& digest, const chain::bytes& rsv) {
  if (rsv.size() != 65 || (rsv[64] != 27 && rsv[64] != 28)) {
    return make_error(error_code::bad_signature, "a slash signature is 65 bytes r | s | v with v 27 or 28");
  }
  chain::recoverable_signature signature;
  std::copy(rsv.begin(), rsv.begin() + 32, signature.r.begin());
  std::copy(rsv.begin() + 32, rsv.begin() + 64, signature.s.begin());
  signature.recovery_id = static_cast<std::uint8_t>(rsv[64] - 27);
  return chain::recover_signer(digest, signature);
}

std::int64_t posted(const ledger::outcome& out, const std::string& account, ledger::bucket where) {
  std::int64_t sum = 0;
  for (const ledger::posting& p : out.postings) {
    if (p.account == account && p.where == static_cast<std::uint8_t>(where)) sum += p.delta_micro;
  }
  return sum;
}

}  // namespace

void chain_convictions::start(std::unique_ptr<chain::chain_slasher> slasher, const chain_view& chain) {
  slasher_ = std::move(slasher);
  for (const chain_conviction& c : book_.entries()) {
    if (c.convicted && !c.on_chain) submit(c, chain);
  }
}

void chain_convictions::recover(ledger::ledger& books, const std::string& treasury_account, const chain_view& chain) {
  std::vector<std::pair<std::string, std::string>> unmarked;  // request, validator that signed
  for (const chain_conviction& c : book_.entries()) {
    if (c.convicted) continue;
    for (const auto& [validator, signature] : c.signatures) unmarked.emplace_back(c.request_id, validator);
  }
  for (const auto& [request_id, validator] : unmarked) {
    chain_conviction* c = book_.find(request_id);
    if (c == nullptr || c->convicted) continue;
    auto found = books.store().find_op("verdict/" + request_id + "/" + validator);
    if (!found.ok() || !found->has_value()) continue;
    auto out = ledger::decode_outcome((*found)->outcome_bytes);
    if (out.ok() && out->convicted) convicted(request_id, c->miner, *out, treasury_account, chain);
  }
}

result<std::uint32_t> chain_convictions::keep_signature(const chain_slash_signature& m, const chain_view& chain) {
  if (!slasher_) {
    return make_error(error_code::unavailable, "this settlement has no chain operator key to send slashes with");
  }
  const auto miner_address = chain.identities.address_of(m.miner);
  if (!miner_address) return make_error(error_code::not_found, "miner " + m.miner + " has bound no chain address");
  const auto validator_address = chain.identities.address_of(m.validator);
  if (!validator_address) return make_error(error_code::not_found, "validator " + m.validator + " has bound no chain address");
  const chain::word evidence = chain::conviction_evidence(m.request_id, m.miner);
  auto signer = signer_of(chain::slash_digest(chain.chain_id, chain.vault, *miner_address, evidence), m.signature);
  if (!signer.ok()) return signer.err();
  if (*signer != *validator_address) {
    return make_error(error_code::bad_signature, "the slash signature of " + m.request_id + " is by " + chain::to_hex_0x(*signer) +
                                                     ", not by validator " + m.validator + "'s " +
                                                     chain::to_hex_0x(*validator_address));
  }
  auto entry = book_.entry_for(m.request_id, m.miner, *miner_address, evidence);
  if (!entry.ok()) return entry.err();
  if ((*entry)->miner != m.miner) return make_error(error_code::conflict, "slash signatures of " + m.request_id + " name another miner");
  (*entry)->signatures[m.validator] = m.signature;
  const auto kept = static_cast<std::uint32_t>((*entry)->signatures.size());
  IG_TRY(book_.save());
  return kept;
}

void chain_convictions::convicted(const std::string& request_id, const std::string& miner, const ledger::outcome& out,
                                  const std::string& treasury_account, const chain_view& chain) {
  chain_conviction* c = book_.find(request_id);
  if (c == nullptr || c->miner != miner) {
    log(log_level::warn, log_source_, "the conviction of {} on {} has no slash signatures: it stays off-chain", miner, request_id);
    return;
  }
  if (c->convicted) return;  // a replayed verdict
  c->convicted = true;
  c->voters.clear();
  for (const ledger::posting& p : out.postings) {
    const bool voter = p.account != miner && p.account != treasury_account &&
                       p.where == static_cast<std::uint8_t>(ledger::bucket::balance);
    if (voter && std::find(c->voters.begin(), c->voters.end(), p.account) == c->voters.end()) c->voters.push_back(p.account);
  }
  c->forfeit_micro = -(posted(out, miner, ledger::bucket::staked) + posted(out, miner, ledger::bucket::unbonding));
  c->reward_per_voter_micro = c->voters.empty() ? 0 : posted(out, c->voters.front(), ledger::bucket::balance);
  c->treasury_share_micro = posted(out, treasury_account, ledger::bucket::balance);
  save();
  submit(*c, chain);
}

void chain_convictions::submit(const chain_conviction& c, const chain_view& chain) {
  std::vector<std::pair<chain::address, chain::bytes>> signed_by;
  std::string missing;
  for (const std::string& voter : c.voters) {
    const auto signature = c.signatures.find(voter);
    const auto address = chain.identities.address_of(voter);
    if (signature == c.signatures.end() || !address) {
      missing += (missing.empty() ? "" : ", ") + voter;
      continue;
    }
    signed_by.emplace_back(*address, signature->second);
  }
  if (!missing.empty() || signed_by.empty()) {
    log(log_level::warn, log_source_, "the conviction of {} on {} stays off-chain: voters without a slash signature: {}",
        c.miner, c.request_id, missing.empty() ? "all" : missing);
    return;
  }
  std::sort(signed_by.begin(), signed_by.end());  // the vault takes signers in ascending address order
  chain::slash_submission slash{c.miner_address, c.evidence_hash, {}};
  for (auto& [address, signature] : signed_by) slash.signatures_rsv.push_back(signature);
  if (!slasher_->submit(slash)) {
    log(log_level::warn, log_source_, "the slash queue is full: the conviction on {} is sent at the next start", c.request_id);
  }
}

std::vector<ledger::command> chain_convictions::slashed_on_chain(const chain::chain_log& log_entry,
                                                                const chain::slashed_event& slashed, const chain_view& chain) {
  chain_conviction* c = book_.find_by_evidence(slashed.evidence_hash);
  if (c == nullptr || !c->convicted) {
    ++unknown_;
    const std::string request_id = c != nullptr ? c->request_id : "";
    log(log_level::warn, log_source_,
        "the vault slashed {} on evidence {} ({}) before this ledger convicted it: booking its split (forfeit {}, {} per "
        "voter, {} to the treasury)",
        chain.identities.ledger_account(slashed.miner), chain::to_hex_0x(slashed.evidence_hash),
        request_id.empty() ? "a request this settlement never saw signatures for" : "request " + request_id,
        slashed.forfeit_micro, slashed.reward_per_voter_micro, slashed.treasury_share_micro);
    if (c != nullptr && !c->on_chain) {
      c->on_chain = true;  // kept past the epoch close, so a re-read books the same command
      save();
    }
    return chain_slash_command_of(log_entry, slashed, chain.identities, request_id);
  }
  std::vector<std::string> voters;
  for (const chain::address& voter : slashed.voters) voters.push_back(chain.identities.ledger_account(voter));
  std::vector<std::string> ledger_voters = c->voters;
  std::sort(voters.begin(), voters.end());
  std::sort(ledger_voters.begin(), ledger_voters.end());
  const bool same = slashed.miner == c->miner_address && voters == ledger_voters &&
                    static_cast<std::int64_t>(slashed.forfeit_micro) == c->forfeit_micro &&
                    static_cast<std::int64_t>(slashed.reward_per_voter_micro) == c->reward_per_voter_micro &&
                    static_cast<std::int64_t>(slashed.treasury_share_micro) == c->treasury_share_micro;
  ++(same ? matched_ : differing_);
  log(same ? log_level::info : log_level::warn, log_source_,
      "the vault slashed miner {} on {}: forfeit {}, {} per voter, {} to the treasury — {} the ledger's slash "
      "(forfeit {}, {} per voter, {} to the treasury)",
      c->miner, c->request_id, slashed.forfeit_micro, slashed.reward_per_voter_micro, slashed.treasury_share_micro,
      same ? "the twin of" : "DIFFERENT from", c->forfeit_micro, c->reward_per_voter_micro, c->treasury_share_micro);
  if (!c->on_chain) {
    c->on_chain = true;
    save();
  }
  return {};
}

void chain_convictions::epoch_closed() {
  if (book_.forget_unconvicted() > 0) save();
}

void chain_convictions::save() {
  if (auto saved = book_.save(); !saved.ok()) log(log_level::warn, log_source_, "{}", saved.err().message);
}

}  // namespace infergrid
