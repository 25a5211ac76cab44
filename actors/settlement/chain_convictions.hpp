#pragma once
// chain_convictions: the ledger's convictions executed on the vault with the same forfeit
// (deploy/readme/chain.md, "Slashing on-chain"). Three steps, each kept in the slash book
// (chain_slash_book.hpp) so none is lost or done twice across restarts:
//   1. a validator's slash signature arrives before its guilty verdict: it must recover, over the
//      vault's slash digest for (the miner's bound address, conviction_evidence(request, miner)), to
//      the chain address bound to that validator; it is kept (on disk) for the conviction;
//   2. the ledger convicts: the book records the ledger's split (forfeit, reward per voter, treasury
//      share) and, when every guilty voter of the ledger signed, the slash goes to the chain_slasher
//      thread with the voters' signatures in ascending signer order (the vault's rule);
//   3. the vault's Slashed event on that evidence is booked as the on-chain twin of the ledger's slash:
//      compared with the ledger's split (a difference is logged and counted) and applied nothing —
//      the ledger slashed already. A Slashed event this ledger did not convict first (anyone may send
//      a quorum's signatures to the vault) becomes a chain_slash command that books the vault's split
//      (chain_ledger_operations.hpp); when the book knows the evidence's request, the entry is kept
//      (marked on_chain) so a re-read of the log sends the same command and the ledger replays it,
//      and the validators' own quorum on that request later convicts without slashing again.
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
  // Convictions the ledger committed that the book did not mark (a stop between the two): found
  // by the verdicts' default op ids ("verdict/<request>/<validator>") and sent like the others.
  void recover(ledger::ledger& books, const std::string& treasury_account, const chain_view& chain);
  // Step 1: the number of signatures kept for that conviction, this one included.
  result<std::uint32_t> keep_signature(const chain_slash_signature& m, const chain_view& chain);
  // Step 2, after the ledger committed the convicting verdict.
  void convicted(const std::string& request_id, const std::string& miner, const ledger::outcome& out,
                 const std::string& treasury_account, const chain_view& chain);
  // Step 3, for a confirmed Slashed event: the command that books it when the ledger did not convict first.
  std::vector<ledger::command> slashed_on_chain(const chain::chain_log& log, const chain::slashed_event& slashed,
                                                const chain_view& chain);
  // Forgets the signatures of receipts the closed epoch did not convict.
  void epoch_closed();

  const chain::chain_slasher* slasher() const { return slasher_.get(); }
  std::uint64_t matched() const { return matched_; }      // Slashed events equal to the ledger's slash
  std::uint64_t differing() const { return differing_; }  // Slashed events that differ from it
  std::uint64_t unknown() const { return unknown_; }      // Slashed events this ledger did not convict (booked as they say)

 private:
  void submit(const chain_conviction& conviction, const chain_view& chain);
  void save();

  chain_slash_book book_;
  std::string log_source_;
  std::unique_ptr<chain::chain_slasher> slasher_;
  std::uint64_t matched_ = 0;
  std::uint64_t differing_ = 0;
  std::uint64_t unknown_ = 0;
};

}  // namespace infergrid
