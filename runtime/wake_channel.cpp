#include "runtime/wake_channel.hpp"

#include "runtime/actor_waker.hpp"

namespace infergrid {

void actor_waker::wake() const {
  if (channel_) channel_->wake();
}

void wake_channel::wake() {
  if (pending_.exchange(true, std::memory_order_acq_rel)) return;  // one is on its way
  const std::lock_guard lock(mutex_);
  bool sent = false;
  if (!closed_) {
    try {
      if (!socket_) {
        socket_.emplace(context_, zmq::socket_type::push);
        socket_->set(zmq::sockopt::linger, 0);
        socket_->connect(endpoint_);
      }
      const std::uint8_t frame = wake_frame_byte;
      sent = socket_->send(zmq::buffer(&frame, 1), zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t&) {
      sent = false;  // the context is ending: the actor is stopping too
    }
  }
  // A full inbox or a stopped actor: let the next wake() try again.
  if (!sent) pending_.store(false, std::memory_order_release);
}

void wake_channel::acknowledge() { pending_.store(false, std::memory_order_release); }

void wake_channel::close() {
  const std::lock_guard lock(mutex_);
  closed_ = true;
  socket_.reset();
}

}  // namespace infergrid
