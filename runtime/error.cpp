#include "runtime/error.hpp"

namespace infergrid {

std::string_view to_string(error_code code) {
  switch (code) {
    case error_code::ok: return "ok";
    case error_code::invalid_argument: return "invalid_argument";
    case error_code::not_found: return "not_found";
    case error_code::malformed_input: return "malformed_input";
    case error_code::unsupported: return "unsupported";
    case error_code::too_large: return "too_large";
    case error_code::timeout: return "timeout";
    case error_code::unavailable: return "unavailable";
    case error_code::io_error: return "io_error";
    case error_code::device_error: return "device_error";
    case error_code::bad_signature: return "bad_signature";
    case error_code::insufficient_funds: return "insufficient_funds";
    case error_code::conflict: return "conflict";
    case error_code::internal: return "internal";
    case error_code::cancelled: return "cancelled";
    case error_code::permission_denied: return "permission_denied";
  }
  return "unknown";
}

}  // namespace infergrid
