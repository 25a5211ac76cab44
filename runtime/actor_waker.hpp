#pragma once
// actor_waker: how a thread that is not the actor's (an HTTP server thread, a device callback)
// asks the actor to look at work it left in a thread-safe queue. wake() puts a one-byte wake frame
// into the actor's inbox; the actor's thread then calls its state's on_wake(). Wakes coalesce: while
// one is on its way, further wake() calls cost one atomic exchange. Safe from any thread at any
// time: once the actor has stopped, wake() does nothing. Get one from actor_context::waker().
#include <memory>

namespace infergrid {

class wake_channel;  // runtime/wake_channel.hpp

class actor_waker {
 public:
  actor_waker() = default;  // wakes nothing
  explicit actor_waker(std::shared_ptr<wake_channel> channel) : channel_(std::move(channel)) {}
  void wake() const;

 private:
  std::shared_ptr<wake_channel> channel_;
};

}  // namespace infergrid
