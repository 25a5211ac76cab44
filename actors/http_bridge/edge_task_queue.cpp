#include "actors/http_bridge/edge_task_queue.hpp"

namespace infergrid::http {
namespace {

thread_local bool shedding = false;

}  // namespace

void edge_task_queue::enqueue(std::function<void()> fn) {
  if (load_.waiting.load() >= load_.max_waiting) {
    shedding = true;  // on the accepting thread: fn answers 503 and closes without waiting on the client
    fn();
    shedding = false;
    return;
  }
  ++load_.waiting;
  pool_.enqueue([this, fn = std::move(fn)] {
    --load_.waiting;
    fn();
  });
}

bool shedding_connection() { return shedding; }

}  // namespace infergrid::http
