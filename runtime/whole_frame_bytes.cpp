#include "runtime/whole_frame_bytes.hpp"

namespace infergrid {

whole_frame_bytes::whole_frame_bytes(std::size_t max_fds)
    : size_(max_fds), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(max_fds)) {}

std::uint64_t whole_frame_bytes::wire_size(std::size_t payload, bool curve) {
  // "\x07MESSAGE", an 8-byte nonce, a 16-byte MAC over the flags byte and the payload.
  const std::uint64_t body = payload + (curve ? 8 + 8 + 16 + 1 : 0);
  return 1 + (body > 255 ? 8 : 1) + body;
}

void whole_frame_bytes::add(zmq::message_t& frame, bool curve) {
  add(zmq_msg_get(frame.handle(), ZMQ_SRCFD), wire_size(frame.size(), curve));
}

void whole_frame_bytes::add(int fd, std::uint64_t wire_bytes) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= size_) return;
  counts_[static_cast<std::size_t>(fd)].fetch_add(wire_bytes, std::memory_order_relaxed);
}

std::optional<std::uint64_t> whole_frame_bytes::of(int fd) const {
  if (fd < 0 || static_cast<std::size_t>(fd) >= size_) return std::nullopt;
  return counts_[static_cast<std::size_t>(fd)].load(std::memory_order_relaxed);
}

}  // namespace infergrid
