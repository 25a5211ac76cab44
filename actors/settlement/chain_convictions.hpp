#pragma once
// chain_convictions: the ledger's convictions executed on the vault, and the vault's slashes booked
// in the ledger (deploy/readme/chain.md, "Slashing on-chain"). The vault holds the stakes, so the
// forfeit the ledger books is the one the vault took (ledger_config::slashes_on_chain): a miner who
// withdrew matured unbonding before the slash executed forfeits less on the vault, and so in the
// ledger. Three steps, each kept in the slash book (chain_slash_book.hpp) so none is lost or done
// twice across restarts:
//   1. a validator's slash signature arrives before its guilty verdict: it must recover, over the
//      vault's slash digest for (the miner's bound address, conviction_evidence(request, miner)), to
//      the chain address bound to that validator; it is kept (on disk) for the conviction;
//   2. the ledger convicts (no forfeit yet: the conviction awaits the vault's slash): the book
//      records the guilty voters and, when every one of them signed, the slash goes to the
//      chain_slasher thread with their signatures in ascending signer order (the vault's rule);
//   3. the vault's Slashed event on that evidence becomes a chain_slash command that books the
//      vault's split — forfeit, reward per voter, treasury share — for that request
//      (chain_ledger_operations.hpp; op id = tx hash + log index, so a re-read books nothing twice).
//      A Slashed event this ledger did not convict first (anyone may send a quorum's signatures to the
//      vault) is booked the same way; when the book knows the evidence's request, the entry is kept
//      (marked on_chain) so a re-read of the log sends the same command, and the validators' own
//      quorum on that request later convicts without slashing again.
#include <memory>

#include "actors/settlement/chain/chain_slasher.hpp"
#include "actors/settlement/chain_identities.hpp"
#include "actors/settlement/chain_slash_book.hpp"
#include "actors/settlement/ledger/ledger.hpp"
#include "messages/chain_slash.hpp"

namespace infergrid {

// What the chain knows that a conviction needs.
struct chain_view {
  const chain_identities& identities;
  std::uint64_t chain_id = 0;  // 0: no log read yet, so no binding known either
  chain::address vault{};
};

class chain_convictions {
 public:
  chain_convictions(chain_slash_book book, std::string log_source)
      : book_(std::move(book)), log_source_(std::move(log_source)) {}

  // Sends every conviction of the book not yet on chain (the slasher drops those the vault has).
  void start(std::unique_ptr<chain::chain_slasher> slasher, const chain_view& chain);
  // Convictions the ledger committed that the book did not mark (a stop between the two): the
  // ledger's convictions awaiting the vault's slash, sent like the others.
  void recover(const ledger::ledger& books, const chain_view& chain);
  // Step 1: the number of signatures kept for that conviction, this one included.
  result<std::uint32_t> keep_signature(const chain_slash_signature& m, const chain_view& chain);
  // Step 2, after the ledger committed the convicting verdict of `request_id`.
  void convicted(const std::string& request_id, const ledger::awaiting_slash& conviction, const chain_view& chain);
  // Step 3, for a confirmed Slashed event: the command that books the vault's split.
  std::vector<ledger::command> slashed_on_chain(const chain::chain_log& log, const chain::slashed_event& slashed,
                                                const chain_view& chain);
  // Forgets the signatures of receipts the closed epoch did not convict.
  void epoch_closed();

  const chain::chain_slasher* slasher() const { return slasher_.get(); }
  std::uint64_t booked() const { return booked_; }    // Slashed events of this ledger's convictions
  std::uint64_t unknown() const { return unknown_; }  // Slashed events this ledger did not convict first

 private:
  void submit(const chain_conviction& conviction, const chain_view& chain);
  void save();

  chain_slash_book book_;
  std::string log_source_;
  std::unique_ptr<chain::chain_slasher> slasher_;
  std::uint64_t booked_ = 0;
  std::uint64_t unknown_ = 0;
};

}  // namespace infergrid
