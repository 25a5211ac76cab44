#pragma once
// link_binding: a signing key's statement "envelopes that reach you over a CurveZMQ link
// authenticated by transport key T are mine", signed once per key and transport key. A node under
// curve sends each envelope with this binding in place of an Ed25519 signature over the envelope
// (signature_scope::transport_link); the receiving ingress admits it only when the connection it
// came on was authenticated (ZAP "User-Id") by exactly the key the binding names. CurveZMQ's
// authenticated encryption then vouches for every byte and its origin, as a signature would: a
// binding copied onto another connection names the wrong key, and only the holder of the
// transport secret can open a connection under that key.
// Signatures that outlive the link — receipts, verdicts, ledger entries — are signed over their
// own bodies as before; this replaces only the per-envelope signature between curve nodes.
#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/envelope.hpp"
#include "runtime/identity.hpp"

namespace infergrid {

// The bytes a binding signs: a domain tag and the transport key in Z85 (as ZAP reports it).
std::vector<std::uint8_t> link_binding_bytes(std::string_view transport_key_z85);
signature sign_link_binding(const identity& signer, std::string_view transport_key_z85);

// Signs an envelope that leaves the process: with `link_binding` (the signer's binding of this
// node's transport key, under curve) the envelope carries it as a transport_link signature, else
// an Ed25519 signature over the envelope.
void sign_outgoing(envelope& message, const identity& signer, const std::optional<signature>& link_binding);

// Bindings already checked, so a link's steady traffic costs one map lookup per envelope. One per
// ingress thread (not thread-safe); bounded: when full it forgets everything and checks again.
class link_binding_checks {
 public:
  bool holds(const public_key& signer, std::string_view transport_key_z85, const signature& binding);

  static constexpr std::size_t max_remembered = 4096;

 private:
  using key = std::pair<public_key, std::array<char, 40>>;
  std::map<key, signature> checked_;
};

}  // namespace infergrid
