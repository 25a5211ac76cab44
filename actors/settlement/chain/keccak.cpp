#include "actors/settlement/chain/keccak.hpp"

#include <cryptopp/keccak.h>

namespace infergrid::chain {

word keccak256(std::span<const std::uint8_t> data) {
  CryptoPP::Keccak_256 hash;
  hash.Update(data.data(), data.size());
  word out{};
  static_assert(CryptoPP::Keccak_256::DIGESTSIZE == 32);
  hash.Final(out.data());
  return out;
}

word keccak256(std::string_view text) {
  return keccak256(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace infergrid::chain
