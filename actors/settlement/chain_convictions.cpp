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

}  // namespace

void chain_convictions::start(std::unique_ptr<chain::chain_slasher> slasher, const chain_view& chain) {
  slasher_ = std::move(slasher);
  for (const chain_conviction& c : book_.entries()) {
    if (c.convicted && !c.on_chain) submit(c, chain);
  }
}

void chain_convictions::recover(const ledger::ledger& books, const chain_view& chain) {
  std::vector<ledger::receipt_key> unmarked;
  for (const chain_conviction& c : book_.entries()) {
    if (!c.convicted) unmarked.emplace_back(c.request_id, c.miner);
  }
  for (const auto& [request_id, miner] : unmarked) {
    if (const ledger::awaiting_slash* awaiting = books.state().awaiting_chain_slash(request_id, miner)) {
      convicted(request_id, *awaiting, chain);
    }
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
  (*entry)->signatures[m.validator] = m.signature;
  const auto kept = static_cast<std::uint32_t>((*entry)->signatures.size());
  IG_TRY(book_.save());
  return kept;
}

void chain_convictions::convicted(const std::string& request_id, const ledger::awaiting_slash& conviction,
                                  const chain_view& chain) {
  chain_conviction* c = book_.find(request_id, conviction.miner);
  if (c == nullptr) {
    log(log_level::warn, log_source_, "the conviction of {} on {} has no slash signatures: the vault cannot slash it, "
        "so it forfeits nothing", conviction.miner, request_id);
    return;
  }
  if (c->convicted) return;  // a replayed verdict
  c->convicted = true;
  c->voters = conviction.voters;
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
  const bool ours = c != nullptr && c->convicted;
  ++(ours ? booked_ : unknown_);
  const std::string request_id = c != nullptr ? c->request_id : "";
  log(ours ? log_level::info : log_level::warn, log_source_,
      "the vault slashed {} on evidence {} ({}{}): forfeit {}, {} per voter, {} to the treasury — booked as the vault took it",
      chain.identities.ledger_account(slashed.miner), chain::to_hex_0x(slashed.evidence_hash),
      request_id.empty() ? "a request this settlement never saw signatures for" : "request " + request_id,
      ours ? ", convicted here" : ", before this ledger convicted it", slashed.forfeit_micro, slashed.reward_per_voter_micro,
      slashed.treasury_share_micro);
  if (c != nullptr && !c->on_chain) {
    c->on_chain = true;  // kept past the epoch close, so a re-read books the same command
    save();
  }
  return chain_slash_command_of(log_entry, slashed, chain.identities, request_id);
}

void chain_convictions::epoch_closed() {
  if (book_.forget_unconvicted() > 0) save();
}

void chain_convictions::save() {
  if (auto saved = book_.save(); !saved.ok()) log(log_level::warn, log_source_, "{}", saved.err().message);
}

}  // namespace infergrid
