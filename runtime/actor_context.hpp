#pragma once
// actor_context: what an actor's state uses to talk to the world — send, request/reply with
// deadlines, timers, its own name and node, the node's metrics. Every call is made on the actor's
// own thread (from a handler, a timer or a reply callback); nothing here blocks. Other threads reach
// the actor only through the actor_waker it hands them. An actor that owns a socket or fd of its own
// watches it here (watch/watch_fd) and reads the time here (now_ms), never from a polling timer or
// the system clock directly.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/authority.hpp"
#include "messages/body.hpp"
#include "messages/envelope.hpp"
#include "messages/message_registry.hpp"
#include "messages/system.hpp"
#include "runtime/actor_waker.hpp"
#include "runtime/metrics.hpp"
#include "runtime/result.hpp"
#include "runtime/socket_watches.hpp"

namespace infergrid {

using timer_id = std::uint64_t;  // 0 = refused (limit reached)

// An outgoing message before it is wrapped in an envelope.
struct outgoing_message {
  message_type type{};
  std::uint16_t version = 0;
  std::vector<std::uint8_t> body;
  std::uint64_t correlation_id = 0;
  std::int64_t deadline_ms = 0;  // Unix time; 0 = none
};

template <message T>
outgoing_message make_outgoing(const T& message, std::uint64_t correlation_id = 0, std::int64_t deadline_ms = 0) {
  outgoing_message out{T::id, T::version, {}, correlation_id, deadline_ms};
  encode_body(message, out.body);
  return out;
}

// Where and how to answer a request later (after the handler has returned).
struct reply_token {
  std::string to;                   // the requester's "node/actor"
  std::uint64_t correlation_id = 0;  // the request's message_id
  std::int64_t deadline_ms = 0;
};

// The reply (or error) to a request, as the runtime sees it before typing.
using raw_reply_callback = std::function<void(result<const envelope*>)>;

class actor_context {
 public:
  virtual ~actor_context() = default;

  virtual const std::string& name() const = 0;       // "health"
  virtual const std::string& node_name() const = 0;  // "local"
  virtual const std::string& address() const = 0;   // "local/health"
  // The envelope whose handler is running now; nullptr in timers and reply callbacks.
  virtual const envelope* current() const = 0;
  virtual std::vector<actor_metrics> node_metrics() const = 0;
  virtual std::int64_t node_uptime_ms() const = 0;

  // `to` is "node/actor" or a bare actor name the directory resolves (local first, then peers).
  virtual status send_message(std::string_view to, outgoing_message message) = 0;
  virtual void request_message(std::string_view to, outgoing_message message, message_type reply_type,
                               std::int64_t timeout_ms, raw_reply_callback callback) = 0;
  virtual timer_id after(std::int64_t delay_ms, std::function<void()> callback) = 0;
  virtual timer_id every(std::int64_t interval_ms, std::function<void()> callback) = 0;
  virtual void cancel(timer_id id) = 0;
  // Calls `on_readable` on this actor's thread whenever `socket` has a message to read: the actor's
  // loop waits on it together with the inbox and timers, so nothing polls. Level-triggered — a
  // callback that leaves messages unread is called again on the next pass. The socket (or fd) must
  // stay open until unwatch() or the state's end (watches end with the state, like its timers).
  // Returns 0 when refused (more than max_watches).
  virtual watch_id watch(zmq::socket_ref socket, std::function<void()> on_readable) = 0;
  virtual watch_id watch_fd(int fd, std::function<void()> on_readable) = 0;
  virtual void unwatch(watch_id id) = 0;
  // The time of day, Unix ms, from the node's clock (runtime/clock.hpp): a test may drive it.
  virtual std::int64_t now_ms() const = 0;
  // Milliseconds on the node's clock that never jumps (arbitrary zero): for intervals within this
  // process — liveness, stalls, waits — which a change to the time of day must not move.
  virtual std::int64_t steady_ms() const = 0;
  // Runs `callback` once no message is waiting in the inbox any more — after the messages that
  // queued up meanwhile are handled (or after idle_defer_max of them, so a flood cannot starve it).
  // For group commits: everything that arrived during the last commit goes into the next one.
  virtual void when_idle(std::function<void()> callback) = 0;
  // Counts a message this actor could not use (bad body, wrong type) and logs why.
  virtual void note_malformed(const envelope& message, const error& why) = 0;
  virtual void note_error(const error& why) = 0;
  // A handle other threads may keep to make this actor's state run on_wake() on its own thread.
  virtual actor_waker waker() = 0;
  // Envelopes this actor sends to other nodes are signed with `key` instead of the node's key
  // (a worker signs as its miner identity, so its registry entry and receipts are bound to it).
  virtual void sign_as(const identity& key) = 0;
  // Roles (messages/authority.hpp) of whoever sent the envelope being handled: role_local for a
  // sender in this process, else those of its signing key. 0 outside a handler.
  virtual role_mask sender_roles() const = 0;

  // The signing key of the envelope being handled, hex; "" for a sender in this process.
  std::string sender_key() const {
    const envelope* in = current();
    return in == nullptr || !in->signature ? std::string() : to_hex(in->signature->signer);
  }
  // True when the envelope being handled comes from this process or is signed by `key_hex`: how an
  // actor checks that a body's own id (a worker id, an account) is the sender's key.
  bool sent_by(std::string_view key_hex) const {
    const envelope* in = current();
    return in != nullptr && (!in->signature || to_hex(in->signature->signer) == key_hex);
  }

  template <message T>
  status send(std::string_view to, const T& message) {
    return send_message(to, make_outgoing(message));
  }

  // Sends `message` and calls `callback` exactly once: with the reply, with the error the other
  // side answered, or with a `timeout` error when nothing came within timeout_ms.
  template <message Reply, message T>
  void request(std::string_view to, const T& message, std::int64_t timeout_ms,
               std::function<void(result<Reply>)> callback) {
    request_message(to, make_outgoing(message), Reply::id, timeout_ms,
                    [callback = std::move(callback)](result<const envelope*> raw) {
                      if (!raw.ok()) return callback(raw.err());
                      callback(decode_reply<Reply>(**raw));
                    });
  }

  // Captures the running handler's request so it can be answered later with reply()/reply_error().
  reply_token reply_later() const {
    const envelope* in = current();
    if (in == nullptr) return {};
    return reply_token{in->sender, in->message_id, in->deadline_ms};
  }

  template <message T>
  status reply(const reply_token& token, const T& message) {
    return send_message(token.to, make_outgoing(message, token.correlation_id, token.deadline_ms));
  }

  status reply_error(const reply_token& token, const error& why) {
    return reply(token, error_reply{static_cast<std::uint16_t>(why.code), why.message});
  }

  // Decodes a reply envelope: the expected type, or the error an error_reply carries.
  template <message Reply>
  static result<Reply> decode_reply(const envelope& in) {
    if (in.type == message_type::error_reply) {
      auto failure = decode_body<error_reply>(in.body);
      if (!failure.ok()) return failure.err();
      return make_error(static_cast<error_code>(failure->code), failure->message);
    }
    if (in.type != Reply::id) {
      return make_error(error_code::malformed_input, "reply has type " + std::to_string(static_cast<int>(in.type)) +
                                                         ", expected " + std::to_string(static_cast<int>(Reply::id)));
    }
    return decode_body<Reply>(in.body);
  }
};

}  // namespace infergrid
