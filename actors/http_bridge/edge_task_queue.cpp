#include "actors/http_bridge/edge_task_queue.hpp"

namespace infergrid::http {
namespace {

thread_local bool shedding = false;

}  // namespace

edge_task_queue::edge_task_queue(std::size_t threads, edge_load& load) : pool_(threads), load_(load) {
  load_.resume = [this](std::function<void()> fn) { wait_for_thread(std::move(fn)); };
}

edge_task_queue::~edge_task_queue() { load_.resume = nullptr; }

void edge_task_queue::enqueue(std::function<void()> fn) {
  if (load_.waiting.load() >= load_.max_waiting) {
    shedding = true;  // on the accepting thread: fn answers 503 and closes without waiting on the client
    fn();
    shedding = false;
    return;
  }
  wait_for_thread(std::move(fn));
}

void edge_task_queue::wait_for_thread(std::function<void()> fn) {
  ++load_.waiting;
  pool_.enqueue([this, fn = std::move(fn)] {
    --load_.waiting;
    fn();
  });
}

bool shedding_connection() { return shedding; }

}  // namespace infergrid::http
