#pragma once
// delivered_claims: for one job, each segment's last signed chunk claim (chunk_claim.hpp) that covers
// exactly the tokens the bridge received from its worker — what a streaming client was delivered —
// and whose digest chains exactly the tokens and fingerprints received (so the matchmaker, which
// checks the same, hands that segment to the validators: validation.md "Segments"). When the
// job ends without a receipt (the client cancelled, the job failed or timed out mid-stream, the
// bridge stopped), the bridge sends these as partial settle_receipts before its refund, so the
// ledger pays each worker for the tokens the client received and returns the rest.
#include <cstdint>
#include <string>
#include <vector>

#include "messages/inference.hpp"
#include "messages/ledger.hpp"
#include "runtime/identity.hpp"

namespace infergrid::http {

class delivered_claims {
 public:
  // A chunk the bridge accepted, in order (its index continued the stream).
  void add(const token_chunk& chunk);
  // One partial settle_receipt per segment (a worker's stretch of the stream, from when it took the
  // job over; A → B → A is three), in order.
  const std::vector<settle_receipt>& claims() const { return claims_; }

 private:
  std::string segment_worker_;       // the worker streaming now
  std::uint32_t segment_tokens_ = 0;  // tokens received from it since it took the job over
  bool segment_claimed_ = false;      // claims_.back() is this segment's
  digest segment_chain_{};            // the claim chain over what was received from it
  std::vector<settle_receipt> claims_;
};

}  // namespace infergrid::http
