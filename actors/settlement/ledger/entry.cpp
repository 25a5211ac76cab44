#include "actors/settlement/ledger/entry.hpp"

#include <msgpack.hpp>

namespace infergrid::ledger {
namespace {

void pack_bin(msgpack::packer<msgpack::sbuffer>& packer, std::span<const std::uint8_t> bytes) {
  packer.pack_bin(static_cast<std::uint32_t>(bytes.size()));
  packer.pack_bin_body(reinterpret_cast<const char*>(bytes.data()), static_cast<std::uint32_t>(bytes.size()));
}

error entry_error(std::uint64_t seq, const std::string& what) {
  return make_error(error_code::malformed_input, "entry " + std::to_string(seq) + ": " + what);
}

}  // namespace

digest compute_entry_hash(const entry& e) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(buffer);
  packer.pack_array(8);
  packer.pack(std::string_view("infergrid.ledger.entry.v1"));
  packer.pack(e.seq);
  pack_bin(packer, e.prev_hash);
  packer.pack(e.op_id);
  packer.pack(e.cause_id);
  pack_bin(packer, e.op_bytes);
  pack_bin(packer, e.outcome_bytes);
  pack_bin(packer, e.signer);
  return hash_bytes(std::span(reinterpret_cast<const std::uint8_t*>(buffer.data()), buffer.size()));
}

void seal_entry(entry& e, const identity& signer) {
  e.signer = signer.public_id();
  e.hash = compute_entry_hash(e);
  e.sig = signer.sign(e.hash);
}

status check_entry(const entry& e, std::uint64_t expected_seq, const digest& expected_prev_hash) {
  if (e.seq != expected_seq) return entry_error(e.seq, "sequence gap, expected " + std::to_string(expected_seq));
  if (e.prev_hash != expected_prev_hash) return entry_error(e.seq, "previous hash does not match the entry before it");
  if (compute_entry_hash(e) != e.hash) return entry_error(e.seq, "hash does not match its contents (tampered)");
  if (!verify_signature(e.signer, e.hash, e.sig)) return entry_error(e.seq, "signature does not verify");
  return {};
}

}  // namespace infergrid::ledger
