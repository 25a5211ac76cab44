#pragma once
// call_inboxes: the inboxes node::call blocks on, pooled. A blocking call borrows one — a PULL
// socket bound at its own inproc name, registered in the directory, and the outbox it sends from —
// and gives it back when the call ends, so a client making thousands of calls (the CLI paging a
// history, a bench, a test probe) reuses a few sockets instead of binding, registering and closing
// three per call. Closing them is asynchronous in ZeroMQ (its reaper thread); under load the closed
// sockets piled up faster than they went and a long run of calls ended in "Too many open files",
// the replying actor unable to connect back and its reply lost. A reply that comes after its call
// gave up waits in the inbox until the next borrower reads and drops it (the correlation id is
// the call's own). The calls of one inbox share its sender address, so their message ids grow as
// one sender's must (replay_guard.hpp). Thread-safe; each borrowed inbox is used by one thread at a time.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "runtime/directory.hpp"
#include "runtime/limits.hpp"
#include "runtime/outbox.hpp"
#include "runtime/result.hpp"
#include "runtime/transport_security.hpp"

namespace infergrid {

class call_inboxes {
 public:
  struct inbox {
    std::string name;  // the caller's actor name, "_call.N"
    zmq::socket_t socket;
    outbox sender;
    // The next call's message id: like an actor's, from the clock, then growing by one per call,
    // as the receiving ingress's replay window expects of one sender address.
    std::uint64_t next_message_id = 0;
  };
  // Returns its inbox to the pool when it goes.
  class lease {
   public:
    lease(call_inboxes& pool, std::unique_ptr<inbox> borrowed) : pool_(&pool), inbox_(std::move(borrowed)) {}
    lease(lease&&) = default;
    lease& operator=(lease&&) = delete;
    ~lease() {
      if (inbox_) pool_->give_back(std::move(inbox_));
    }
    inbox* operator->() const { return inbox_.get(); }

   private:
    call_inboxes* pool_;
    std::unique_ptr<inbox> inbox_;
  };

  // At most `idle_max` inboxes are kept between calls; more calls at once bind more, closed after.
  call_inboxes(zmq::context_t& context, directory& names, std::string node_name, std::string reply_endpoint,
               const runtime_limits& limits, const transport_credentials& transport, std::size_t idle_max = 16);
  ~call_inboxes();
  call_inboxes(const call_inboxes&) = delete;
  call_inboxes& operator=(const call_inboxes&) = delete;

  result<lease> borrow();
  std::size_t idle() const;

 private:
  void give_back(std::unique_ptr<inbox> returned);
  void close(std::unique_ptr<inbox> gone);

  zmq::context_t& context_;
  directory& names_;
  const std::string node_name_;
  const std::string reply_endpoint_;
  const runtime_limits& limits_;
  const transport_credentials& transport_;
  const std::size_t idle_max_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<inbox>> idle_;  // guarded by mutex_
  std::size_t next_name_ = 1;                 // guarded by mutex_
};

}  // namespace infergrid
