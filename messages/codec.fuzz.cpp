// libFuzzer target for the envelope decoder (built only with clang; see messages/CMakeLists.txt).
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang
//   cmake --build build-fuzz --target codec_fuzz && ./build-fuzz/messages/codec_fuzz -max_total_time=60
// Every input must come back as a value: a decoded envelope or a typed error, never a crash.
#include <cstdint>
#include <cstdlib>

#include "messages/codec.hpp"
#include "messages/system.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace infergrid;
  auto decoded = decode_envelope({data, size}, codec_limits{1u << 20});
  if (!decoded.ok()) {
    const auto code = decoded.err().code;
    if (code != error_code::malformed_input && code != error_code::unsupported && code != error_code::too_large) {
      std::abort();  // an untyped failure is a bug
    }
    return 0;
  }
  (void)verify_envelope(*decoded, false);
  (void)decode_body<ping>(decoded->body);
  (void)decode_body<health_report>(decoded->body);
  // What decoded must re-encode and decode again.
  if (!decode_envelope(encode_envelope(*decoded), codec_limits{2u << 20}).ok()) std::abort();
  return 0;
}
