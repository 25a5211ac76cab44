#pragma once
// forwarded_work: what each worker streamed for each request, as the matchmaker forwarded it —
// per (request, worker, first generated position) the tokens and the prompt size its chunks
// carried. A worker's receipt is passed on to settlement only when its counts match one of these
// segments exactly: a worker is paid for what users received, not for what it claims.
// Each segment also keeps the worker's last signed chunk claim that matches what was forwarded
// (chunk_claim.hpp): when a request finishes on another worker after a failover, those claims pay
// the earlier workers for exactly their tokens.
// While a request runs, each segment also keeps its chunks' tokens and fingerprints and checks that
// each claim chains them (chunk_claim.hpp): when the request ends, the segments that will have no
// receipt of their own (a failover's earlier workers; every segment of a cancelled, lost or failed
// request) are handed out as claimed_segments for the validators, and the evidence is dropped.
// Finished requests are kept because receipts follow the last chunk: for keep_finished_ms after they
// finished (a worker sends its receipt at once; an escrow is refunded soon after its deadline, when
// a receipt could no longer be paid anyway) and at most max_finished of them, oldest forgotten first.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "messages/challenge.hpp"
#include "messages/inference.hpp"
#include "messages/ledger.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"

namespace infergrid::matchmaker {

class forwarded_work {
 public:
  explicit forwarded_work(std::int64_t keep_finished_ms) : keep_finished_ms_(keep_finished_ms) {}

  // The job was dispatched to `worker_id`, resuming at generated position `first_index`.
  void started(const std::string& request_id, const std::string& worker_id, std::uint32_t first_index);
  // A chunk of `chunk.tokens.size()` tokens from chunk.worker_id was forwarded.
  void forwarded(const token_chunk& chunk);
  // The request left the matchmaker at now_unix_ms; its segments stay for late receipts (and those
  // finished more than keep_finished_ms before now are forgotten). Returns the segments paid from
  // their last chunk claim, for audits: every one but, when `completed` (the last chunk ended the
  // answer), the last, whose receipt comes.
  std::vector<claimed_segment> finished(const std::string& request_id, std::int64_t now_unix_ms, bool completed = false);
  std::size_t requests_held() const { return by_request_.size(); }
  // Whether the request's segments are kept (it runs, or ended recently enough for a late receipt).
  bool knows(const std::string& request_id) const { return by_request_.contains(request_id); }
  // Forgets the request's segments now: no receipt of it is passed on from here on.
  void forget(const std::string& request_id) { by_request_.erase(request_id); }
  // ok when the receipt's worker, resume point and token counts match a forwarded segment.
  status check(const completion_receipt& receipt) const;
  // Partial settle_receipts for the segments other than the receipt's own that streamed part of its
  // request before a failover (each segment's last claim; a worker that took the request back,
  // A → B → A, has one for each of its earlier segments), in order.
  std::vector<settle_receipt> earlier_claims(const completion_receipt& receipt) const;
  // Every segment's last claim of the request so far, in order: what it would cost if it ended now.
  std::vector<settle_receipt> claims_of(const std::string& request_id) const;

  static constexpr std::size_t max_finished = 8192;

 private:
  struct segment {
    std::string worker_id;
    std::uint32_t first_index = 0;
    std::uint32_t tokens = 0;
    std::uint32_t prompt_tokens = 0;
    std::optional<settle_receipt> last_claim;  // the last chunk claim for exactly `tokens`
    // Until the request ends: the evidence of its chunks and the claim chain over them.
    std::vector<std::int32_t> streamed;
    std::vector<std::uint8_t> fingerprints;  // emptied for good when a chunk comes without them
    bool fingerprints_missing = false;
    std::vector<std::uint32_t> chunk_tokens;
    std::size_t claimed_chunks = 0;  // the chunks last_claim covers
    digest chain{};
  };
  static std::vector<claimed_segment> unreceipted(std::vector<segment>& segments, bool completed);
  // The segments' last claims but those of `skipped` (worker id, first index), each (miner, first
  // index) once, in order.
  std::vector<settle_receipt> claims_except(const std::string& request_id,
                                            const std::optional<std::pair<std::string, std::uint32_t>>& skipped) const;
  struct finished_request {
    std::string request_id;
    std::int64_t at_unix_ms = 0;
  };
  std::int64_t keep_finished_ms_;
  std::unordered_map<std::string, std::vector<segment>> by_request_;
  std::deque<finished_request> finished_order_;  // oldest first
};

}  // namespace infergrid::matchmaker
