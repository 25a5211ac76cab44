#pragma once
// whole_frame_bytes: for each connection to a node's tcp port (by its fd), the bytes on the wire of
// the whole frames the ingress has read from it. libzmq names a received frame's connection
// (ZMQ_SRCFD). The port monitor subtracts this from the kernel's count of bytes received
// (TCP_INFO) to learn what libzmq holds for a connection that the node has not read whole: a frame
// still arriving, or one whole but not yet read (unread_bytes_watch.hpp). Before, a member (or
// anyone under `admit: open`, or `plaintext`) could stop in the middle of a 16 MiB frame and have
// the node hold it until the heartbeat timeout, on each of its connections.
// Written by the ingress thread, read by the monitor's: one relaxed atomic per fd.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include <zmq.hpp>

namespace infergrid {

class whole_frame_bytes {
 public:
  // Counts the fds below `max_fds` (the process's file-descriptor limit): those are all of them.
  explicit whole_frame_bytes(std::size_t max_fds);
  // The ingress read `frame`, one of a message's frames as they arrived (not a ROUTER's routing id).
  void add(zmq::message_t& frame, bool curve);
  // `wire_bytes` of whole frames read from the connection on `fd`.
  void add(int fd, std::uint64_t wire_bytes);
  // Bytes of whole frames read from the connection on `fd` since the process started (every
  // connection that held the fd); nullopt for an fd not counted.
  std::optional<std::uint64_t> of(int fd) const;
  // A frame of `payload` bytes on the wire (ZMTP 3, RFC 23): a flags byte, a 1- or 8-byte size,
  // the body; under curve the body is a MESSAGE command (RFC 26: name, nonce, box of a flags byte
  // and the payload).
  static std::uint64_t wire_size(std::size_t payload, bool curve);

 private:
  std::size_t size_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
};

}  // namespace infergrid
