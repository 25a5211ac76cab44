#pragma once
// Helpers for the messages' tests: a round trip that must re-encode to the same bytes, and a decode
// of an older (shorter) encoding that carries only the first field.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>
#include <msgpack.hpp>

#include "messages/message_registry.hpp"

namespace infergrid::testing {

template <class T>
T round_trip(const T& original) {
  auto bytes = encode_body(original);
  auto decoded = decode_body<T>(bytes);
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decoded.err().message);
  EXPECT_EQ(encode_body(*decoded), bytes);
  return *decoded;
}

// The first field alone, as a sender that knew only that field would have encoded it.
template <class T, class First>
T decode_older(const First& first) {
  std::vector<std::uint8_t> bytes;
  byte_writer writer{bytes};
  msgpack::packer<byte_writer> packer(writer);
  packer.pack_array(1);
  packer.pack(first);
  auto decoded = decode_body<T>(bytes);
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decoded.err().message);
  return *decoded;
}

}  // namespace infergrid::testing
