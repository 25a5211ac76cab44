#pragma once
// error: the one error value every layer returns inside the core. Edges (CLI, HTTP, reply
// envelopes) turn it into a message for a person or a wire error code.
#include <cstdint>
#include <string>
#include <string_view>

namespace infergrid {

enum class error_code : std::uint16_t {
  ok = 0,
  invalid_argument = 1,   // a caller passed something malformed (bad field, bad flag)
  not_found = 2,          // a named thing (model, actor, account, file) does not exist
  malformed_input = 3,    // bytes from outside (network, file) do not parse
  unsupported = 4,        // well-formed but not something we handle (version, tensor type)
  too_large = 5,          // over a configured limit
  timeout = 6,            // a deadline passed
  unavailable = 7,        // nobody can serve this now (no worker, queue full)
  io_error = 8,           // the OS or a library failed (file, socket, SQLite)
  device_error = 9,       // the Vulkan device failed
  bad_signature = 10,     // a signature did not verify
  insufficient_funds = 11,
  conflict = 12,          // state does not allow it (duplicate id with other content, ...)
  internal = 13,          // a bug or an exception caught at a boundary
  cancelled = 14,
  permission_denied = 15,  // the sender's key holds no authority for this message
};

std::string_view to_string(error_code code);

struct error {
  error_code code = error_code::internal;
  std::string message;
};

inline error make_error(error_code code, std::string message) { return error{code, std::move(message)}; }

}  // namespace infergrid
