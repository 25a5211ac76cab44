#pragma once
// entry: one append-only, hash-chained ledger record. Its hash is BLAKE2b-256 over the canonical
// MessagePack array
//   ["infergrid.ledger.entry.v1", seq, prev_hash, op_id, cause_id, op_bytes, outcome_bytes, signer]
// (byte fields as bin), and `sig` is the ledger signer's Ed25519 signature of that hash. The next
// entry's prev_hash is this hash; the first entry's prev_hash is 32 zero bytes. Changing any field
// of any entry breaks its hash, its signature or the link from the entry after it.
#include <cstdint>
#include <string>

#include "actors/settlement/ledger/operation.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"

namespace infergrid::ledger {

struct entry {
  std::uint64_t seq = 0;  // 1, 2, 3, ... without gaps
  digest prev_hash{};
  std::string op_id;     // the operation's unique id: the idempotency key
  std::string cause_id;  // id of the message that caused it
  byte_vector op_bytes;  // canonical operation (operation_codec.hpp)
  byte_vector outcome_bytes;
  public_key signer{};
  signature sig{};
  digest hash{};
};

inline constexpr digest genesis_hash{};

digest compute_entry_hash(const entry& e);
// Fills hash and sig of `e` (all other fields set) with `signer`'s key.
void seal_entry(entry& e, const identity& signer);
// Checks e's seq, link, hash and signature; the error names the entry's seq.
status check_entry(const entry& e, std::uint64_t expected_seq, const digest& expected_prev_hash);

}  // namespace infergrid::ledger
