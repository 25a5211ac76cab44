#pragma once
// body: one message struct <-> the MessagePack bytes inside an envelope. Decoding never throws:
// msgpack exceptions are converted to malformed_input here, at the library boundary.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "runtime/result.hpp"

namespace infergrid {

// Appends MessagePack to a byte vector (msgpack::packer's stream interface).
struct byte_writer {
  std::vector<std::uint8_t>& out;
  void write(const char* data, std::size_t size) {
    out.insert(out.end(), reinterpret_cast<const std::uint8_t*>(data),
               reinterpret_cast<const std::uint8_t*>(data) + size);
  }
};

template <class T>
void encode_body(const T& message, std::vector<std::uint8_t>& out) {
  byte_writer writer{out};
  msgpack::pack(writer, message);
}

template <class T>
std::vector<std::uint8_t> encode_body(const T& message) {
  std::vector<std::uint8_t> out;
  encode_body(message, out);
  return out;
}

// Parses one MessagePack object from untrusted bytes with container sizes bounded by the input
// size (each element takes at least one byte), so a lying length prefix cannot allocate.
// It is parsed into this thread's scratch zone (no allocation once warm), so the object is valid
// only until the thread's next call; decode_body converts it at once.
result<msgpack::object> unpack_untrusted_scratch(std::span<const std::uint8_t> bytes);

template <class T>
result<T> decode_body(std::span<const std::uint8_t> bytes) {
  auto object = unpack_untrusted_scratch(bytes);
  if (!object.ok()) return object.err();
  try {
    T message{};
    object->convert(message);
    return message;
  } catch (const std::exception& e) {
    return make_error(error_code::malformed_input, std::string("message body has the wrong shape: ") + e.what());
  }
}

}  // namespace infergrid
