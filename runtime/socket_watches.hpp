#pragma once
// socket_watches: the ZeroMQ sockets and file descriptors one actor watches besides its inbox
// (CZMQ's zpoller). The actor's loop waits on all of them in one zmq_poll bounded by its next
// timer, so an actor that serves its own socket (the gateway's client ROUTER) sleeps until a
// message arrives instead of polling it from a timer. Used only on the actor's own thread; bounded.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include <zmq.hpp>

namespace infergrid {

using watch_id = std::uint64_t;  // 0 = refused (max_watches reached)

class socket_watches {
 public:
  explicit socket_watches(std::size_t max_watches) : max_watches_(max_watches) {}

  watch_id add_socket(zmq::socket_ref socket, std::function<void()> on_readable);
  watch_id add_fd(int fd, std::function<void()> on_readable);
  // Safe from inside a watch's own callback: the entry goes at the next wait().
  void remove(watch_id id);
  void clear();
  bool empty() const { return live_ == 0; }

  // Waits up to `timeout` for `inbox` or a watched socket/fd to become readable; true when the
  // inbox is. The watches found readable are listed by ready() until the next wait().
  bool wait(zmq::socket_ref inbox, std::chrono::milliseconds timeout);
  const std::vector<watch_id>& ready() const { return ready_; }
  // The callback of a live watch; nullptr once removed. Stays valid while the callback runs.
  const std::function<void()>* callback(watch_id id) const;

 private:
  struct watch {
    void* socket = nullptr;  // ZeroMQ socket handle, or nullptr for a plain fd
    int fd = -1;
    std::function<void()> on_readable;
    bool removed = false;
  };
  watch_id add(void* socket, int fd, std::function<void()> on_readable);
  void rebuild_poll_items(zmq::socket_ref inbox);

  std::size_t max_watches_;
  std::size_t live_ = 0;
  watch_id next_id_ = 1;
  std::map<watch_id, watch> watches_;  // node-stable: a running callback survives additions
  bool items_stale_ = true;
  std::vector<zmq_pollitem_t> items_;  // [0] is the inbox, then one per entry of item_ids_
  std::vector<watch_id> item_ids_;
  std::vector<watch_id> ready_;
};

}  // namespace infergrid
