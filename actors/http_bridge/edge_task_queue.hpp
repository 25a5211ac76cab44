#pragma once
// edge_task_queue: the accepted connections waiting for one of the bridge's HTTP threads, bounded.
// httplib's own pool queues every accepted connection without limit, each holding a file
// descriptor: 15,000 idle connections were accepted and queued, and at the process's descriptor
// limit the node's own bus port stopped accepting too. Here a connection accepted while
// `max_waiting` already wait is shed: answered 503 on the accepting thread at once and closed
// (edge_server::process_and_close_socket asks shedding_connection()). And while any wait, a thread
// holding an idle keep-alive connection parks it (idle_connections.hpp), so a few clients that keep
// their connections alive cannot hold every thread while others queue; a parked connection whose
// next request arrives is queued again (`resume`: never shed, it was accepted long ago).
#include <atomic>
#include <cstddef>
#include <functional>

#include <httplib.h>

namespace infergrid::http {

struct edge_load {
  std::atomic<std::size_t> waiting{0};  // accepted or resumed, not yet taken by a thread
  std::size_t max_waiting = 256;
  std::function<void(std::function<void()>)> resume;  // the queue's, while it runs
};

class edge_task_queue final : public httplib::TaskQueue {
 public:
  edge_task_queue(std::size_t threads, edge_load& load);
  ~edge_task_queue() override;
  void enqueue(std::function<void()> fn) override;
  void shutdown() override { pool_.shutdown(); }

 private:
  void wait_for_thread(std::function<void()> fn);

  httplib::ThreadPool pool_;
  edge_load& load_;
};

// Whether the connection this thread processes now was shed by enqueue (answer 503, close).
bool shedding_connection();

}  // namespace infergrid::http
