#pragma once
// outcome: what an operation did — the ordered postings (account, bucket, signed delta) plus flags.
// It is stored beside the entry so a replayed operation returns the original outcome verbatim.
#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "actors/settlement/ledger/operation.hpp"

namespace infergrid::ledger {

// Where an account's money sits. The sum of all buckets of all accounts is the total supply.
enum class bucket : std::uint8_t { balance = 0, staked = 1, unbonding = 2, escrowed = 3 };
inline constexpr std::uint8_t bucket_count = 4;

struct posting {
  std::string account;
  std::uint8_t where = 0;  // bucket
  micro_units delta_micro = 0;
  MSGPACK_DEFINE(account, where, delta_micro)
  bool operator==(const posting&) const = default;
};

struct outcome {
  std::vector<posting> postings;
  bool convicted = false;            // verdict: this verdict completed a quorum and slashed the miner
  bool miner_unschedulable = false;  // verdict: the slashed miner's stake fell under the minimum
  MSGPACK_DEFINE(postings, convicted, miner_unschedulable)
  bool operator==(const outcome&) const = default;
};

// What the caller gets back: the outcome and the entry that recorded it.
struct acknowledgement {
  std::uint64_t seq = 0;
  byte_vector entry_hash;
  outcome result;
  bool replayed = false;  // true when the op id was already recorded with the same content
};

}  // namespace infergrid::ledger
