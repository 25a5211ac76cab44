#pragma once
// raw_socket: a bare DEALER on a node's tcp port, as a small attack script would use it (CurveZMQ
// with a key of its own; plaintext for a server key of ""), sending envelopes it built itself under
// any node name it likes.
// envelope_of builds one, dated now with a 5 s deadline.
#include <cstdint>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "messages/codec.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/identity.hpp"
#include "runtime/outbox.hpp"

namespace infergrid::testing {

class raw_socket {
 public:
  raw_socket(const std::string& endpoint, const std::string& server_key)
      : keys_(generate_curve_keypair().value()), socket_(context_, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::linger, 0);
    if (!server_key.empty()) make_curve_client(socket_, keys_, server_key);
    socket_.connect(endpoint);
  }
  const std::string& transport_key() const { return keys_.public_z85; }
  // `reply_endpoint`: where the sending node says it wants replies ("" = none said).
  void send(const std::string& actor, const std::string& sender_node, const std::vector<std::uint8_t>& bytes,
            const std::string& reply_endpoint = "") {
    const std::string route = encode_route(actor, sender_node, reply_endpoint);
    (void)socket_.send(zmq::buffer(route), zmq::send_flags::sndmore);
    (void)socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
  }
  void send_signed(const std::string& actor, const std::string& sender_node, envelope e, const identity& key,
                   const std::string& reply_endpoint = "") {
    sign_envelope(e, key);
    send(actor, sender_node, encode_envelope(e), reply_endpoint);
  }

 private:
  curve_keypair keys_;
  zmq::context_t context_{1};
  zmq::socket_t socket_;
};

template <message T>
envelope envelope_of(const T& m, const std::string& sender, const std::string& recipient, std::uint64_t id) {
  envelope e;
  e.type = T::id;
  e.message_version = T::version;
  e.message_id = id;
  e.sender = sender;
  e.recipient = recipient;
  e.sent_at_ms = unix_now_ms();
  e.deadline_ms = e.sent_at_ms + 5000;
  e.body = encode_body(m);
  return e;
}

}  // namespace infergrid::testing
