#pragma once
// random_op_id: a fresh ledger op id for a CLI command that has none from its user — `prefix`
// followed by 96 random bits in hex, so a retry of the same call is the user's to name (--op-id).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <sodium.h>

#include "runtime/identity.hpp"

namespace infergrid::cli {

inline std::string random_op_id(std::string_view prefix) {
  std::array<std::uint8_t, 12> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return std::string(prefix) + to_hex(bytes);
}

}  // namespace infergrid::cli
