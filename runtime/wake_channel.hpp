#pragma once
// wake_channel: the socket behind every actor_waker of one actor (runtime/actor_waker.hpp). Owned
// with the wakers by the actor's runner, which acknowledges each wake frame before it calls
// on_wake() and closes the channel when the actor stops, before the ZeroMQ context ends.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include <zmq.hpp>

namespace infergrid {

// The byte of a wake frame (a frame of one byte is never an envelope).
inline constexpr std::uint8_t wake_frame_byte = 0x77;

class wake_channel {
 public:
  wake_channel(zmq::context_t& context, std::string inbox_endpoint)
      : context_(context), endpoint_(std::move(inbox_endpoint)) {}

  void wake();          // any thread
  void acknowledge();   // the actor's thread, before it runs on_wake()
  void close();         // the actor's thread, when it stops

 private:
  zmq::context_t& context_;
  const std::string endpoint_;
  std::atomic<bool> pending_{false};
  std::mutex mutex_;  // guards the socket, which other threads share
  std::optional<zmq::socket_t> socket_;
  bool closed_ = false;
};

}  // namespace infergrid
