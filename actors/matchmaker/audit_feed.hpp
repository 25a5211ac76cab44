#pragma once
// audit_feed: the matchmaker's side of auditing. It keeps each finished request (bounded, oldest
// forgotten first, also for `infergrid trace`) until the worker's receipt comes, then hands every validator an audit_request
// (the request and the verified receipt); the validators decide, with their own CSPRNG, which jobs
// they replay. The first guilty verdict on a job escalates it: the audit goes again, marked
// `escalated`, to every other validator, which all replay it — so a conviction at the quorum does
// not depend on several validators drawing the same job. The segments a request paid from chunk
// claims (a failover's earlier workers, a cancelled, lost or failed stream) are audited the same
// way, each judged and escalated as its own miner's work. Signed audit_verdicts are accepted only
// from the configured validators and move the miners' reputations (reputation_book.hpp).
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "messages/challenge.hpp"
#include "messages/match.hpp"

namespace infergrid::matchmaker {

class audit_feed {
 public:
  // validators: actor addresses, "node/actor" or a bare "actor" of own_node (this matchmaker's node).
  audit_feed(std::vector<std::string> validators, std::size_t memory, std::string own_node = "")
      : validators_(std::move(validators)), memory_(memory), own_node_(std::move(own_node)) {}

  bool enabled() const { return !validators_.empty(); }
  // A verdict on a remembered request (kept for `infergrid trace`).
  void note_verdict(const audit_verdict& verdict);
  // What is remembered of a request: request, worker, receipts, verdicts (not_found when forgotten).
  std::optional<trace_report> trace(const std::string& request_id) const;
  // A request whose last chunk went out from `worker_id` (at finished_unix_ms). Kept also without
  // validators (trace).
  void finished(const inference_request& request, const std::string& worker_id, std::int64_t finished_unix_ms = 0);
  // The newest `count` remembered requests, newest first, summarised (the dashboard's recent jobs).
  std::vector<job_view> recent(std::size_t count) const;
  // The audit for a verified receipt, when its request is remembered (kept for escalation).
  std::optional<audit_request> audit_for(const completion_receipt& receipt);
  // A signed receipt whose counts disagree with what was forwarded is not paid, and is evidence:
  // every validator audits it at once (escalated from the start).
  std::optional<audit_request> audit_disputed(const completion_receipt& receipt);
  // The audits of a request's segments paid from chunk claims (remembered, also without validators).
  std::vector<audit_request> segments_ended(const inference_request& request, std::vector<claimed_segment> segments,
                                            std::int64_t finished_unix_ms);
  // The escalated audit of `miner`'s work on a job found guilty (its receipt, else its first
  // segment), the first time only.
  std::optional<audit_request> escalate(const std::string& request_id, const std::string& miner);
  const std::vector<std::string>& validators() const { return validators_; }
  // Whether `sender` (an envelope's "node/actor") is one of the configured validators.
  bool from_validator(const std::string& sender) const;
  // Whether the envelope sender "node/actor" is the configured validator `name`: "node/actor"
  // exactly, or a bare "actor" on this matchmaker's own node — never the same actor name on a
  // stranger's node (anyone may call an actor "validator-1").
  bool is_validator(const std::string& sender, const std::string& name) const;

 private:
  std::vector<std::string> validators_;
  std::size_t memory_;
  std::string own_node_;
  struct remembered {
    inference_request request;
    std::string worker_id;
    std::optional<completion_receipt> receipt;
    std::vector<audit_verdict> verdicts;
    std::vector<claimed_segment> segments;
    std::set<std::string> escalated;  // the miners whose work on it went to every validator
    std::int64_t finished_unix_ms = 0;
  };
  std::map<std::string, remembered> requests_;
  std::deque<std::string> order_;  // oldest first
};

}  // namespace infergrid::matchmaker
