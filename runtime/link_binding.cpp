#include "runtime/link_binding.hpp"

#include <algorithm>
#include <string>

#include "messages/codec.hpp"

namespace infergrid {
namespace {

constexpr std::string_view binding_domain = "infergrid transport link binding v1\n";
constexpr std::size_t z85_key_chars = 40;

}  // namespace

std::vector<std::uint8_t> link_binding_bytes(std::string_view transport_key_z85) {
  std::vector<std::uint8_t> bytes(binding_domain.begin(), binding_domain.end());
  bytes.insert(bytes.end(), transport_key_z85.begin(), transport_key_z85.end());
  return bytes;
}

signature sign_link_binding(const identity& signer, std::string_view transport_key_z85) {
  return signer.sign(link_binding_bytes(transport_key_z85));
}

void sign_outgoing(envelope& message, const identity& signer, const std::optional<signature>& link_binding) {
  if (!link_binding) {
    sign_envelope(message, signer);
    return;
  }
  message.signature = envelope_signature{signer.public_id(), *link_binding, signature_scope::transport_link};
}

bool link_binding_checks::holds(const public_key& signer, std::string_view transport_key_z85, const signature& binding) {
  if (transport_key_z85.size() != z85_key_chars) return false;
  key which{signer, {}};
  std::copy(transport_key_z85.begin(), transport_key_z85.end(), which.second.begin());
  if (const auto known = checked_.find(which); known != checked_.end() && known->second == binding) return true;
  if (!verify_signature(signer, link_binding_bytes(transport_key_z85), binding)) return false;
  if (checked_.size() >= max_remembered) checked_.clear();
  checked_[which] = binding;
  return true;
}

}  // namespace infergrid
