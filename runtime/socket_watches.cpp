#include "runtime/socket_watches.hpp"

namespace infergrid {

watch_id socket_watches::add_socket(zmq::socket_ref socket, std::function<void()> on_readable) {
  return add(socket.handle(), -1, std::move(on_readable));
}

watch_id socket_watches::add_fd(int fd, std::function<void()> on_readable) {
  if (fd < 0) return 0;
  return add(nullptr, fd, std::move(on_readable));
}

watch_id socket_watches::add(void* socket, int fd, std::function<void()> on_readable) {
  if (live_ >= max_watches_ || (socket == nullptr && fd < 0) || !on_readable) return 0;
  const watch_id id = next_id_++;
  watches_.emplace(id, watch{socket, fd, std::move(on_readable), false});
  ++live_;
  items_stale_ = true;
  return id;
}

void socket_watches::remove(watch_id id) {
  auto found = watches_.find(id);
  if (found == watches_.end() || found->second.removed) return;
  found->second.removed = true;
  --live_;
  items_stale_ = true;
}

void socket_watches::clear() {
  for (auto& [id, entry] : watches_) entry.removed = true;
  live_ = 0;
  items_stale_ = true;
  ready_.clear();
}

const std::function<void()>* socket_watches::callback(watch_id id) const {
  auto found = watches_.find(id);
  if (found == watches_.end() || found->second.removed) return nullptr;
  return &found->second.on_readable;
}

void socket_watches::rebuild_poll_items(zmq::socket_ref inbox) {
  std::erase_if(watches_, [](const auto& entry) { return entry.second.removed; });
  items_.clear();
  item_ids_.clear();
  items_.push_back(zmq_pollitem_t{inbox.handle(), 0, ZMQ_POLLIN, 0});
  for (const auto& [id, entry] : watches_) {
    items_.push_back(zmq_pollitem_t{entry.socket, entry.fd, ZMQ_POLLIN, 0});
    item_ids_.push_back(id);
  }
  items_stale_ = false;
}

bool socket_watches::wait(zmq::socket_ref inbox, std::chrono::milliseconds timeout) {
  // Entries removed since the last wait go now, when no callback of theirs can be running.
  if (items_stale_ || items_.empty() || items_[0].socket != inbox.handle()) rebuild_poll_items(inbox);
  ready_.clear();
  const int count = zmq_poll(items_.data(), static_cast<int>(items_.size()), static_cast<long>(timeout.count()));
  if (count <= 0) return false;  // timeout, or EINTR/ETERM: the loop looks at its stop flag
  for (std::size_t i = 1; i < items_.size(); ++i) {
    if ((items_[i].revents & ZMQ_POLLIN) != 0) ready_.push_back(item_ids_[i - 1]);
  }
  return (items_[0].revents & ZMQ_POLLIN) != 0;
}

}  // namespace infergrid
