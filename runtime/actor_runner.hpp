#pragma once
// actor_runner: one actor = one thread + one inproc PULL inbox (CZMQ zactor style). Runs the
// state's handlers, its timers and its request deadlines, restarts the state with backoff when
// a handler throws, and drains its inbox on shutdown. It is the actor_context the state sees.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "runtime/actor_kind_registry.hpp"
#include "runtime/clock.hpp"
#include "runtime/directory.hpp"
#include "runtime/limits.hpp"
#include "runtime/link_binding.hpp"
#include "runtime/metrics.hpp"
#include "runtime/outbox.hpp"
#include "runtime/peer_trust.hpp"
#include "runtime/pending_requests.hpp"
#include "runtime/socket_watches.hpp"
#include "runtime/timers.hpp"
#include "runtime/wake_channel.hpp"

namespace infergrid {

// What every actor of a node shares; owned by the node, outlives its actors.
struct node_services {
  zmq::context_t& context;
  directory& names;
  const runtime_limits& limits;
  std::string reply_endpoint;  // this node's tcp endpoint as peers should reach it ("" if none)
  std::function<std::vector<actor_metrics>()> metrics;
  steady_time started;
  const identity& signer;  // the node's key: signs every envelope that leaves the process
  const peer_trust& trust;
  bool sign_envelopes = true;  // false under `security.signatures: off` (both ends must agree)
  const transport_credentials& transport;  // plaintext or CurveZMQ for DEALERs to peers
  const clock* time = nullptr;  // what actors' now_ms() reads; the node's system clock unless a test set one
};

// Names the calling thread (an actor's name, "ingress"), for top -H, perf and bench/idle_cpu.sh.
void name_this_thread(std::string_view name);

// The first message id of a sender: the clock in the high bits (ids keep growing across restarts,
// which the receivers' replay windows rely on) and 20 random bits; within a process each first id
// is at least 2^16 above the one before (senders re-created within a millisecond).
std::uint64_t first_message_id();

using state_factory = std::function<result<std::unique_ptr<actor_state>>(actor_context&)>;

class actor_runner final : public actor_context {
 public:
  actor_runner(node_services& services, std::string name, std::string kind, state_factory factory);
  ~actor_runner() override;
  actor_runner(const actor_runner&) = delete;
  actor_runner& operator=(const actor_runner&) = delete;

  // Binds the inbox, builds the state on the actor's thread and returns once it runs (or failed).
  status start();
  // Asks the actor to drain its inbox and stop; join() waits for it.
  void request_stop();
  void join();
  actor_metrics metrics() const;

  const std::string& name() const override { return name_; }
  const std::string& kind() const { return kind_; }
  const std::string& node_name() const override { return services_.names.node_name(); }
  const std::string& address() const override { return address_; }
  const envelope* current() const override { return current_; }
  std::vector<actor_metrics> node_metrics() const override { return services_.metrics(); }
  std::int64_t node_uptime_ms() const override;
  status send_message(std::string_view to, outgoing_message message) override;
  void request_message(std::string_view to, outgoing_message message, message_type reply_type,
                       std::int64_t timeout_ms, raw_reply_callback callback) override;
  timer_id after(std::int64_t delay_ms, std::function<void()> callback) override;
  timer_id every(std::int64_t interval_ms, std::function<void()> callback) override;
  void cancel(timer_id id) override { timers_.cancel(id); }
  watch_id watch(zmq::socket_ref socket, std::function<void()> on_readable) override;
  watch_id watch_fd(int fd, std::function<void()> on_readable) override;
  void unwatch(watch_id id) override { watches_.remove(id); }
  std::int64_t now_ms() const override { return services_.time->unix_ms(); }
  std::int64_t steady_ms() const override { return services_.time->steady_ms(); }
  void when_idle(std::function<void()> callback) override { idle_callbacks_.push_back(std::move(callback)); }
  void note_malformed(const envelope& message, const error& why) override;
  void note_error(const error& why) override;
  actor_waker waker() override { return actor_waker(wake_channel_); }
  void sign_as(const identity& key) override {
    own_identity_ = key;
    link_binding_.reset();
  }
  role_mask sender_roles() const override;

 private:
  void run();
  status create_state();
  void handle(zmq::message_t& frame);
  void woken();
  bool handle_waiting_message_before_idle_work(zmq::message_t& frame);
  void run_idle_callbacks();
  void dispatch(const envelope& in);
  void crashed(const char* what, const envelope* in);
  // Runs a timer, reply callback, idle callback or on_wake: what it throws crashes the state
  // (restart with backoff), never the actor's thread.
  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      crashed(e.what(), nullptr);
    } catch (...) {
      crashed("unknown exception", nullptr);
    }
  }
  void run_due_timers_and_deadlines();
  // Waits (up to the next timer) for the inbox or a watched socket; handles what became readable.
  void wait_and_handle(zmq::message_t& frame, int timeout_ms, int& receive_timeout_ms);
  void run_ready_watches();
  std::chrono::milliseconds wait_budget(steady_time now) const;
  result<std::uint64_t> transmit(std::string_view to, outgoing_message&& message);

  node_services& services_;
  const std::string name_;
  const std::string kind_;
  const std::string address_;
  state_factory factory_;

  zmq::socket_t inbox_;
  std::shared_ptr<wake_channel> wake_channel_;  // created before the thread, closed after it
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  actor_counters counters_;

  // Everything below is touched only by the actor's own thread.
  std::unique_ptr<outbox> outbox_;
  std::unique_ptr<actor_state> state_;
  handler_table handlers_;
  timer_queue timers_;
  socket_watches watches_;
  std::vector<std::function<void()>> idle_callbacks_;
  int deferred_idle_work_ = 0;  // messages handled while idle callbacks waited
  pending_requests pending_;
  const envelope* current_ = nullptr;
  std::uint64_t next_message_id_ = first_message_id();
  std::optional<identity> own_identity_;  // signs this actor's envelopes instead of the node key
  std::optional<signature> link_binding_;  // under curve: the signing key's binding of the node's transport key
  std::vector<std::uint8_t> encode_buffer_;
  envelope incoming_;  // every received envelope is decoded into this one (storage reused)
  bool restarting_ = false;
  steady_time restart_at_{};
  steady_time state_created_at_{};
  int consecutive_crashes_ = 0;
  bool draining_ = false;
  steady_time drain_deadline_{};
  steady_time last_message_at_{};
};

std::int64_t unix_now_ms();

}  // namespace infergrid
