#include "actors/http_bridge/api_key.hpp"

#include <array>

#include <sodium.h>

namespace infergrid::http {
namespace {

constexpr std::string_view key_scheme = "sk-ig-";
constexpr std::size_t id_bytes = 4;
constexpr std::size_t secret_bytes = 32;

template <std::size_t n>
std::string hex_of(const std::array<unsigned char, n>& bytes) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), n);
  out.pop_back();
  return out;
}

template <std::size_t n>
std::string random_hex() {
  std::array<unsigned char, n> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return hex_of(bytes);
}

bool all_hex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool is_api_key_id(std::string_view id) { return id.size() == 2 * id_bytes && all_hex(id); }

new_api_key make_api_key() {
  static const bool sodium_ready = sodium_init() >= 0;
  (void)sodium_ready;  // randombytes works either way; sodium_init only picks its fastest source
  new_api_key made;
  made.id = random_hex<id_bytes>();
  made.key = std::string(key_scheme) + made.id + "-" + random_hex<secret_bytes>();
  made.hash_hex = api_key_hash_hex(made.key);
  return made;
}

std::string api_key_hash_hex(std::string_view key) {
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     nullptr, 0);
  return hex_of(digest);
}

std::optional<std::string> api_key_id_of(std::string_view key) {
  if (key.substr(0, key_scheme.size()) != key_scheme) return std::nullopt;
  const std::string_view rest = key.substr(key_scheme.size());
  if (rest.size() != 2 * id_bytes + 1 + 2 * secret_bytes || rest[2 * id_bytes] != '-') return std::nullopt;
  if (!is_api_key_id(rest.substr(0, 2 * id_bytes))) return std::nullopt;
  return std::string(rest.substr(0, 2 * id_bytes));
}

}  // namespace infergrid::http
