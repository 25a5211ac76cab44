#pragma once
// chain_slash_book: the convictions on their way to the vault, kept in a file beside the ledger
// ("<db>.chain-slashes", JSON, replaced atomically: write, fsync, rename). A validator's slash
// signature is written here before its verdict reaches the ledger, so every conviction the ledger
// commits finds its quorum's signatures here, across crashes and restarts. An entry is marked
// convicted (with the guilty voters) when the ledger convicts, and on_chain when the vault's
// Slashed event for its evidence is booked; the settlement actor sends every convicted entry not
// yet on chain at start. Entries the ledger never convicted are dropped at the next epoch close
// (a quorum forms within one epoch or not at all) unless the vault slashed them first (on_chain:
// the ledger booked the vault's split, chain_convictions.hpp); at most entries_max are kept, the oldest
// entries already on chain giving way first.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/settlement/chain/chain_types.hpp"

namespace infergrid {

struct chain_conviction {
  std::string request_id;
  std::string miner;  // ledger account (Ed25519 hex)
  chain::address miner_address{};
  chain::word evidence_hash{};
  std::map<std::string, chain::bytes> signatures;  // validator account -> r | s | v, checked on arrival
  bool convicted = false;                          // the ledger convicted, by these guilty voters
  std::vector<std::string> voters;
  bool on_chain = false;  // the vault's Slashed event on this evidence was booked
};

class chain_slash_book {
 public:
  static constexpr std::size_t entries_max = 4096;

  // The book at `path`; a missing file is an empty book, a damaged one an error naming it.
  static result<chain_slash_book> load(std::string path);
  status save() const;

  // The entry of one receipt: a request and the miner convicted on it (a signature naming another
  // miner is about another receipt, and cannot block this one's).
  chain_conviction* find(std::string_view request_id, std::string_view miner);
  chain_conviction* find_by_evidence(const chain::word& evidence_hash);
  // The entry of `request_id` and `miner`, made when missing; too_large when the book is full.
  result<chain_conviction*> entry_for(const std::string& request_id, const std::string& miner,
                                      const chain::address& miner_address, const chain::word& evidence_hash);
  // An epoch closed: what the ledger has not convicted by now never will be.
  std::size_t forget_unconvicted();  // how many were forgotten
  const std::vector<chain_conviction>& entries() const { return entries_; }

 private:
  explicit chain_slash_book(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::vector<chain_conviction> entries_;  // oldest first
};

}  // namespace infergrid
