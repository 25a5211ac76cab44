#include "runtime/actor_runner.hpp"

#include <algorithm>
#include <atomic>
#include <future>

#include <pthread.h>

#include "messages/codec.hpp"
#include "runtime/log.hpp"

namespace infergrid {
namespace {

using std::chrono::milliseconds;

// Longest single wait of the loop while the actor restarts, so a stop request is seen promptly.
constexpr milliseconds restart_poll_slice{20};
// A blocked poll still wakes this often to look at the stop flag (the drain signal normally wakes it).
constexpr milliseconds idle_poll_max{1000};
// Messages handled ahead of waiting when_idle callbacks before they run anyway.
constexpr int idle_defer_max = 1024;

}  // namespace

void name_this_thread(std::string_view name) {
  // Shown by top -H, perf and /proc/PID/task/*/comm; Linux keeps 15 bytes.
  const std::string shown(name.substr(0, 15));
  (void)pthread_setname_np(pthread_self(), shown.c_str());
}

std::uint64_t first_message_id() {
  // From the clock (milliseconds above 20 random bits), so a sender restarted later continues above
  // the ids it used before; and above every first id this process handed out before by a margin, so
  // a sender re-created within the same millisecond (a node restarted in-process) does too.
  constexpr std::uint64_t margin = 1ull << 16;  // ids a sender may use before its address is re-created
  static std::atomic<std::uint64_t> last{0};
  const std::uint64_t from_clock = static_cast<std::uint64_t>(unix_now_ms()) << 20 | (random_u64() & 0xfffff);
  std::uint64_t previous = last.load(std::memory_order_relaxed);
  std::uint64_t next = 0;
  do {
    next = std::max(from_clock, previous + margin);
  } while (!last.compare_exchange_weak(previous, next, std::memory_order_relaxed));
  return next;
}

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

actor_runner::actor_runner(node_services& services, std::string name, std::string kind, state_factory factory)
    : services_(services),
      name_(std::move(name)),
      kind_(std::move(kind)),
      address_(services.names.node_name() + "/" + name_),
      factory_(std::move(factory)),
      timers_(static_cast<std::size_t>(services.limits.max_timers)),
      watches_(static_cast<std::size_t>(services.limits.max_watches)),
      pending_(static_cast<std::size_t>(services.limits.max_pending_requests)) {}

actor_runner::~actor_runner() {
  request_stop();
  join();
}

status actor_runner::start() {
  try {
    inbox_ = zmq::socket_t(services_.context, zmq::socket_type::pull);
    inbox_.set(zmq::sockopt::rcvhwm, static_cast<int>(services_.limits.inbox_high_water_mark));
    inbox_.set(zmq::sockopt::linger, 0);
    inbox_.bind(inbox_endpoint(node_name(), name_));
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, "actor " + address_ + ": cannot bind its inbox: " + e.what());
  }
  services_.names.add_local(name_, kind_);
  wake_channel_ = std::make_shared<wake_channel>(services_.context, inbox_endpoint(node_name(), name_));
  std::promise<status> ready;
  auto started = ready.get_future();
  thread_ = std::thread([this, &ready] {
    name_this_thread(name_);
    outbox_ = std::make_unique<outbox>(services_.context, services_.names, services_.reply_endpoint, services_.limits,
                                       services_.transport);
    if (auto created = create_state(); !created.ok()) {
      ready.set_value(make_error(created.err().code, "actor " + address_ + " (" + kind_ + ") failed to start: " + created.err().message));
      outbox_.reset();
      return;
    }
    ready.set_value(status{});
    run();
    wake_channel_->close();
    outbox_.reset();
  });
  auto outcome = started.get();
  if (!outcome.ok()) {
    thread_.join();
    wake_channel_->close();
    services_.names.remove_local(name_);
    inbox_.close();
  }
  return outcome;
}

void actor_runner::request_stop() {
  if (stop_requested_.exchange(true) || !thread_.joinable()) return;
  // An empty frame in the inbox is the drain signal (the ingress never forwards empty frames).
  try {
    zmq::socket_t signal(services_.context, zmq::socket_type::push);
    signal.set(zmq::sockopt::linger, 1000);
    signal.set(zmq::sockopt::sndtimeo, 100);
    signal.connect(inbox_endpoint(node_name(), name_));
    (void)signal.send(zmq::message_t(), zmq::send_flags::none);
  } catch (const zmq::error_t&) {
    // The stop flag alone still ends the loop within idle_poll_max.
  }
}

void actor_runner::join() {
  if (thread_.joinable()) thread_.join();
  services_.names.remove_local(name_);
  if (inbox_.handle() != nullptr) inbox_.close();
}

actor_metrics actor_runner::metrics() const { return snapshot(counters_, address_, kind_); }

std::int64_t actor_runner::node_uptime_ms() const {
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - services_.started).count();
}

status actor_runner::create_state() {
  result<std::unique_ptr<actor_state>> created = make_error(error_code::internal, "not created");
  try {
    created = factory_(*this);
  } catch (const std::exception& e) {
    created = make_error(error_code::internal, std::string("constructor threw: ") + e.what());
  }
  if (!created.ok()) {
    log(log_level::error, address_, "cannot create state: {}", created.err().message);
    return created.err();
  }
  state_ = std::move(*created);
  state_created_at_ = std::chrono::steady_clock::now();
  try {
    handlers_ = state_->handlers();
    state_->on_start();
  } catch (const std::exception& e) {
    log(log_level::error, address_, "on_start threw: {}", e.what());
    state_.reset();
    return make_error(error_code::internal, std::string("on_start threw: ") + e.what());
  }
  return {};
}

void actor_runner::run() {
  const auto quiet = milliseconds(services_.limits.drain_quiet_ms);
  last_message_at_ = std::chrono::steady_clock::now();
  int receive_timeout_ms = -2;  // no valid timeout: the first pass sets it
  zmq::message_t frame;
  while (true) {
    run_due_timers_and_deadlines();
    const auto now = std::chrono::steady_clock::now();
    if (stop_requested_.load(std::memory_order_relaxed) && !draining_) {
      draining_ = true;
      drain_deadline_ = now + milliseconds(services_.limits.drain_timeout_ms);
    }
    if (draining_ && (now >= drain_deadline_ || (!restarting_ && pending_.empty() && now - last_message_at_ >= quiet))) {
      break;
    }
    if (restarting_) {
      if (now < restart_at_) {
        // Messages wait in the inbox while the actor is down.
        std::this_thread::sleep_for(std::min<steady_time::duration>(restart_at_ - now, restart_poll_slice));
        continue;
      }
      restarting_ = false;
      if (!create_state().ok()) {
        crashed("state re-creation failed", nullptr);
        continue;
      }
      log(log_level::info, address_, "restarted");
    }
    if (!idle_callbacks_.empty()) {
      if (!handle_waiting_message_before_idle_work(frame)) run_idle_callbacks();
      continue;
    }
    wait_and_handle(frame, static_cast<int>(wait_budget(now).count()), receive_timeout_ms);
  }
  if (!restarting_ && state_) run_idle_callbacks();  // e.g. a group commit still waiting
  if (!pending_.empty()) log(log_level::warn, address_, "stopped with requests still awaiting replies");
  pending_.clear();
  timers_.clear();
  watches_.clear();
  idle_callbacks_.clear();
  handlers_ = {};
  state_.reset();
}

void actor_runner::wait_and_handle(zmq::message_t& frame, int timeout_ms, int& receive_timeout_ms) {
  if (watches_.empty()) {
    // A blocking receive bounded by the next timer or deadline: one call per message, no poll.
    if (timeout_ms != receive_timeout_ms) {
      inbox_.set(zmq::sockopt::rcvtimeo, timeout_ms);
      receive_timeout_ms = timeout_ms;
    }
    if (!inbox_.recv(frame, zmq::recv_flags::none)) return;
  } else {
    // One zmq_poll over the inbox and the watched sockets, bounded the same way.
    const bool inbox_ready = watches_.wait(inbox_, milliseconds(timeout_ms));
    run_ready_watches();
    if (!inbox_ready || !inbox_.recv(frame, zmq::recv_flags::dontwait)) return;
  }
  handle(frame);
  last_message_at_ = std::chrono::steady_clock::now();
}

void actor_runner::run_ready_watches() {
  // By index: a callback may unwatch (or crash the state, which clears the watches).
  const std::vector<watch_id>& ready = watches_.ready();
  for (std::size_t i = 0; i < ready.size() && !restarting_; ++i) {
    if (const auto* callback = watches_.callback(ready[i])) guarded(*callback);
  }
}

std::chrono::milliseconds actor_runner::wait_budget(steady_time now) const {
  auto until = now + idle_poll_max;
  if (draining_) until = std::min(until, std::min(drain_deadline_, last_message_at_ + milliseconds(services_.limits.drain_quiet_ms)));
  auto* self = const_cast<actor_runner*>(this);
  if (auto due = self->timers_.next_due()) until = std::min(until, *due);
  if (auto due = self->pending_.next_deadline()) until = std::min(until, *due);
  if (until <= now) return milliseconds(0);
  // Round up so a wait never ends just before the deadline it waits for.
  return std::chrono::duration_cast<milliseconds>(until - now) + milliseconds(1);
}

void actor_runner::run_due_timers_and_deadlines() {
  if (restarting_) return;
  const auto now = std::chrono::steady_clock::now();
  // Bounded by what is due now: each pass removes one timer or one request.
  for (std::size_t guard = timers_.size() + 1; guard > 0 && !restarting_; --guard) {
    bool ran = false;
    guarded([&] { ran = timers_.run_one_due(now); });
    if (!ran) break;
  }
  while (!restarting_) {
    auto expired = pending_.take_expired(now);
    if (!expired) break;
    counters_.timeouts.fetch_add(1, std::memory_order_relaxed);
    guarded([&] { expired->callback(make_error(error_code::timeout, "no reply before the deadline")); });
  }
}

void actor_runner::handle(zmq::message_t& frame) {
  if (frame.size() == 0) {
    stop_requested_.store(true, std::memory_order_relaxed);
    return;
  }
  if (frame.size() == 1 && *static_cast<const std::uint8_t*>(frame.data()) == wake_frame_byte) return woken();
  const codec_limits limits{static_cast<std::size_t>(services_.limits.max_envelope_bytes)};
  auto decoded = decode_envelope_into({static_cast<const std::uint8_t*>(frame.data()), frame.size()}, limits, incoming_);
  if (!decoded.ok()) {
    counters_.dropped_malformed.fetch_add(1, std::memory_order_relaxed);
    log(log_level::debug, address_, "dropped malformed envelope: {}", decoded.err().message);
    return;
  }
  // A signed envelope came through the ingress, which verified it (envelope_gate); one from this
  // process is unsigned and trusted.
  const envelope& in = incoming_;
  counters_.received.fetch_add(1, std::memory_order_relaxed);
  dispatch(in);
}

bool actor_runner::handle_waiting_message_before_idle_work(zmq::message_t& frame) {
  if (deferred_idle_work_ >= idle_defer_max) return false;
  if (!inbox_.recv(frame, zmq::recv_flags::dontwait)) return false;
  ++deferred_idle_work_;
  handle(frame);
  last_message_at_ = std::chrono::steady_clock::now();
  return true;
}

void actor_runner::run_idle_callbacks() {
  deferred_idle_work_ = 0;
  std::vector<std::function<void()>> due;
  due.swap(idle_callbacks_);
  for (auto& callback : due) {
    if (restarting_) return;
    guarded(callback);
  }
}

void actor_runner::woken() {
  wake_channel_->acknowledge();  // before on_wake: a wake during it sends a new frame
  if (restarting_ || !state_) return;  // a new state starts by looking at its queues anyway
  guarded([&] { state_->on_wake(); });
}

void actor_runner::dispatch(const envelope& in) {
  if (in.correlation_id != 0) {
    if (auto answered = pending_.take_answered(in.correlation_id, in.type)) {
      guarded([&] { answered->callback(&in); });
      return;
    }
  }
  const handler_entry* handler = handlers_.find(in.type);
  if (handler == nullptr) {
    counters_.dropped_undeliverable.fetch_add(1, std::memory_order_relaxed);
    log(log_level::debug, address_, "no handler for message type {} from {}", static_cast<int>(in.type), in.sender);
    if (in.type != message_type::error_reply && in.correlation_id == 0) {
      (void)reply_error(reply_token{in.sender, in.message_id, in.deadline_ms},
                        make_error(error_code::unsupported, address_ + " does not handle message type " +
                                                                std::to_string(static_cast<int>(in.type))));
    }
    return;
  }
  current_ = &in;
  try {
    handler->invoke(in, *this);
  } catch (const std::exception& e) {
    current_ = nullptr;
    crashed(e.what(), &in);
  } catch (...) {
    current_ = nullptr;
    crashed("unknown exception", &in);
  }
  current_ = nullptr;
}

void actor_runner::crashed(const char* what, const envelope* in) {
  counters_.errors.fetch_add(1, std::memory_order_relaxed);
  counters_.restarts.fetch_add(1, std::memory_order_relaxed);
  const auto now = std::chrono::steady_clock::now();
  if (now - state_created_at_ >= milliseconds(services_.limits.restart_backoff_reset_ms)) consecutive_crashes_ = 0;
  const auto initial = services_.limits.restart_backoff_initial_ms;
  const auto shift = std::min(consecutive_crashes_, 30);
  const auto delay_ms = std::min(services_.limits.restart_backoff_max_ms, initial << shift);
  ++consecutive_crashes_;
  log(log_level::error, address_, "crashed: {}; restarting in {} ms", what, delay_ms);
  if (in != nullptr && in->type != message_type::error_reply) {
    (void)reply_error(reply_token{in->sender, in->message_id, in->deadline_ms},
                      make_error(error_code::internal, address_ + " failed while handling the request: " + what));
  }
  // Timers, watches and reply callbacks may point into the old state, so they go with it.
  timers_.clear();
  watches_.clear();
  idle_callbacks_.clear();
  pending_.clear();
  handlers_ = {};
  state_.reset();
  restarting_ = true;
  restart_at_ = now + milliseconds(delay_ms);
}

result<std::uint64_t> actor_runner::transmit(std::string_view to, outgoing_message&& message) {
  auto where = outbox_->route_to(to);
  if (!where.ok()) {
    counters_.dropped_undeliverable.fetch_add(1, std::memory_order_relaxed);
    return where.err();
  }
  envelope out;
  out.type = message.type;
  out.message_version = message.version;
  out.message_id = next_message_id_++;
  out.correlation_id = message.correlation_id;
  out.sender = address_;
  out.recipient = (*where)->address;
  out.sent_at_ms = unix_now_ms();
  out.deadline_ms = message.deadline_ms;
  out.body = std::move(message.body);
  // Only envelopes that leave the process are signed: inproc senders are this process itself.
  if (!(*where)->local && services_.sign_envelopes) {
    const identity& key = own_identity_ ? *own_identity_ : services_.signer;
    if (services_.transport.curve() && !link_binding_) link_binding_ = sign_link_binding(key, services_.transport.own.public_z85);
    sign_outgoing(out, key, link_binding_);
  }
  encode_buffer_.clear();
  encode_envelope(out, encode_buffer_);
  auto delivered = outbox_->deliver(**where, encode_buffer_);
  if (!delivered.ok()) {
    counters_.dropped_undeliverable.fetch_add(1, std::memory_order_relaxed);
    return delivered.err();
  }
  counters_.sent.fetch_add(1, std::memory_order_relaxed);
  return out.message_id;
}

status actor_runner::send_message(std::string_view to, outgoing_message message) {
  auto sent = transmit(to, std::move(message));
  if (!sent.ok()) return sent.err();
  return {};
}

void actor_runner::request_message(std::string_view to, outgoing_message message, message_type reply_type,
                                   std::int64_t timeout_ms, raw_reply_callback callback) {
  // Failures are reported through a zero-delay timer so the callback never runs inside request().
  auto fail_later = [this, &callback](error why) {
    auto shared = std::make_shared<raw_reply_callback>(std::move(callback));
    (void)after(0, [shared, why = std::move(why)] { (*shared)(why); });
  };
  if (pending_.full()) return fail_later(make_error(error_code::unavailable, "too many requests awaiting replies"));
  if (timeout_ms <= 0) timeout_ms = services_.limits.default_request_timeout_ms;
  message.deadline_ms = unix_now_ms() + timeout_ms;
  auto sent = transmit(to, std::move(message));
  if (!sent.ok()) return fail_later(sent.err());
  pending_.add(*sent, pending_requests::entry{std::chrono::steady_clock::now() + milliseconds(timeout_ms), reply_type,
                                              std::move(callback)});
}

timer_id actor_runner::after(std::int64_t delay_ms, std::function<void()> callback) {
  auto id = timers_.add(std::chrono::steady_clock::now() + milliseconds(std::max<std::int64_t>(delay_ms, 0)), 0,
                        std::move(callback));
  if (id == 0) note_error(make_error(error_code::unavailable, "timer refused: max_timers reached"));
  return id;
}

timer_id actor_runner::every(std::int64_t interval_ms, std::function<void()> callback) {
  interval_ms = std::max<std::int64_t>(interval_ms, 1);
  auto id = timers_.add(std::chrono::steady_clock::now() + milliseconds(interval_ms), interval_ms, std::move(callback));
  if (id == 0) note_error(make_error(error_code::unavailable, "timer refused: max_timers reached"));
  return id;
}

watch_id actor_runner::watch(zmq::socket_ref socket, std::function<void()> on_readable) {
  auto id = watches_.add_socket(socket, std::move(on_readable));
  if (id == 0) note_error(make_error(error_code::unavailable, "watch refused: max_watches reached"));
  return id;
}

watch_id actor_runner::watch_fd(int fd, std::function<void()> on_readable) {
  auto id = watches_.add_fd(fd, std::move(on_readable));
  if (id == 0) note_error(make_error(error_code::unavailable, "watch refused: max_watches reached or no fd"));
  return id;
}

role_mask actor_runner::sender_roles() const {
  if (current_ == nullptr) return 0;
  if (!current_->signature) return role_local;
  const auto slash = current_->sender.find('/');
  return services_.trust.roles_of(current_->signature->signer, std::string_view(current_->sender).substr(0, slash));
}

void actor_runner::note_malformed(const envelope& message, const error& why) {
  counters_.dropped_malformed.fetch_add(1, std::memory_order_relaxed);
  log(log_level::warn, address_, "malformed {} from {}: {}", static_cast<int>(message.type), message.sender, why.message);
}

void actor_runner::note_error(const error& why) {
  counters_.errors.fetch_add(1, std::memory_order_relaxed);
  if (why.code == error_code::permission_denied) {
    // An actor's own authority check (messages/authority.hpp): counted with the ingress's refusals.
    counters_.refused.fetch_add(1, std::memory_order_relaxed);
    log(log_level::warn, address_, "refused: {}", why.message);
    return;
  }
  log(log_level::debug, address_, "handler error: {}", why.message);
}

}  // namespace infergrid
