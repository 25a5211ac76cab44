#pragma once
// ingress: a node's tcp front door. A ROUTER bound at the node's `bind` endpoint receives
// envelopes from other nodes' DEALERs, learns where each sending node wants its replies, and
// forwards each envelope into the local recipient's inproc inbox. Each envelope is decoded once
// here and must pass the envelope_gate (version, signature, pinned key, authority, replay) first;
// a refused one is counted (`refused`) and logged with the reason, never delivered; when its
// signature verified, the sender is told why in an error_reply (refusal_answer.hpp).
#include <array>
#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include <zmq.hpp>

#include "runtime/directory.hpp"
#include "runtime/envelope_gate.hpp"
#include "runtime/identity.hpp"
#include "runtime/limits.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/outbox.hpp"
#include "runtime/refusal_answer.hpp"
#include "runtime/result.hpp"
#include "runtime/string_hash.hpp"
#include "runtime/transport_security.hpp"
#include "runtime/whole_frame_bytes.hpp"

namespace infergrid {

class ingress {
 public:
  // `signer` and `link_binding` (under curve) sign the refusal answers, as the node's actors sign.
  ingress(zmq::context_t& context, directory& names, const runtime_limits& limits, const security_config& security,
          peer_trust& trust, const transport_credentials& transport, const identity& signer,
          std::optional<signature> link_binding);
  ~ingress();
  ingress(const ingress&) = delete;
  ingress& operator=(const ingress&) = delete;

  // Binds (port * picks a free one), as a CurveZMQ server under curve; returns the endpoint bound.
  result<std::string> bind(const std::string& endpoint);
  // The ROUTER, for the ZAP handler to watch before bind().
  zmq::socket_t& server_socket() { return router_; }
  void start(std::string reply_endpoint);
  void stop();
  const actor_counters& counters() const { return counters_; }
  // Per connection, the wire bytes of the whole frames read (for the port monitor).
  const whole_frame_bytes& whole_frames() const { return whole_frames_; }

 private:
  void run();
  // Receives and handles one queued envelope without waiting; false when none is queued.
  bool receive_one(outbox& local);
  // Remembers where a sending node wants replies and, under curve, the transport key it
  // authenticated with (the directory's dynamic registration seam), and keeps the node alive in
  // the directory while it sends (told again at most every heard_refresh_ms).
  // admitted: the gate let the envelope in, signed by route_signer (nullptr: unsigned, where that
  // is allowed); a refused one (being answered) may only introduce a node not yet known.
  void learn(const remote_route& header, std::string_view transport_key, bool admitted, const public_key* route_signer,
             std::int64_t now_ms);
  // Counts and logs (at most refusal_logs_per_second) a refused envelope.
  void refuse(const remote_route& header, const envelope& message, const error& why);
  // Tells the sender of the refused envelope in incoming_ why (at most refusal_answers_per_second).
  void answer_refusal(outbox& local, const remote_route& header, std::string_view link_key, const error& why,
                      std::int64_t now_ms);

  zmq::context_t& context_;
  directory& names_;
  const runtime_limits& limits_;
  const transport_credentials& transport_;
  zmq::socket_t router_;
  std::string reply_endpoint_;
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  actor_counters counters_;
  peer_trust& trust_;
  envelope_gate gate_;
  envelope incoming_;  // decode buffer (ingress thread only)
  std::array<zmq::message_t, remote_frame_count + 1> frames_;  // receive buffers (ingress thread only)
  zmq::message_t surplus_;
  whole_frame_bytes whole_frames_;
  std::string local_reply_endpoint_;  // a link-local reply endpoint with this host's interface (ingress thread only)
  int stop_fd_ = -1;  // eventfd: stop() writes to it, waking the ingress thread's poll
  log_budget refusal_logs_{refusal_logs_per_second};
  const identity& signer_;
  const std::optional<signature> link_binding_;
  const bool sign_answers_;
  std::uint64_t next_answer_id_;
  log_budget refusal_answers_{refusal_answers_per_second};
  std::vector<std::uint8_t> answer_buffer_;
  struct reply_route {
    std::string endpoint;
    std::string transport_key;  // "" under plaintext
    std::int64_t told_directory_ms = 0;  // when the directory last heard of this node from here
  };
  // Forgets silent learned nodes in the directory, at most every forget_check_ms.
  void forget_silent_peers(std::int64_t now_ms);
  std::int64_t last_forget_check_ms_ = 0;
  // node -> where it wants replies (ingress thread only)
  std::unordered_map<std::string, reply_route, string_hash, std::equal_to<>> learned_;
};

}  // namespace infergrid
