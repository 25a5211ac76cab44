#pragma once
// envelope_gate: everything an envelope from another node must pass before the ingress delivers
// it, in this order —
//   1. a message_version this process knows (not 0, not newer than the registered struct);
//   2. a sender on the node the route frame names, which is not this node, addressed to this node
//      (one addressed to the route's actor under another node's name — a client's wrong node name
//      — passes on to be refused as not_found once its signer is verified, and answered);
//   3. a valid Ed25519 signature over the envelope, or (signature_scope::transport_link) the
//      signer's link binding naming the transport key that authenticated the connection it came
//      on (runtime/link_binding.hpp) — unless security.signatures is off: then unsigned is trusted;
//   4. the signer is the key the sending address is pinned to (peer_trust);
//   5. the signer holds a role the authority table allows for this recipient kind and type;
//   6. not a replay: inside the replay window, before its deadline, its message id unseen.
// Every refusal is an error naming the reason (the ingress counts and logs it). Only step 5's, a
// verified key on its own pinned address that lacks the authority, is permission_denied; it, a
// missing actor and another node's name (not_found) are answered to the sender
// (refusal_answer.hpp); step 2's others are malformed_input, steps 3 and 4's bad_signature (a key
// other than the pinned one is an impersonation).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "messages/envelope.hpp"
#include "runtime/outbox.hpp"
#include "runtime/link_binding.hpp"
#include "runtime/peer_trust.hpp"
#include <optional>

#include "runtime/replay_guard.hpp"
#include "runtime/security_config.hpp"

namespace infergrid {

class envelope_gate {
 public:
  // The kind of a local actor; nullopt when this node has no actor of that name.
  using kind_lookup = std::function<std::optional<std::string>(std::string_view actor)>;
  envelope_gate(std::string node_name, const security_config& security, peer_trust& trust, kind_lookup kind_of);

  // link_key: the Z85 transport key ZAP authenticated the connection with ("" under plaintext).
  status admit(const remote_route& route, const envelope& message, std::string_view link_key, std::int64_t now_ms);

 private:
  status check_addresses(const remote_route& route, const envelope& message) const;
  status check_signature(const envelope& message, std::string_view link_key);

  const std::string node_name_;
  const bool require_signatures_;
  peer_trust& trust_;
  kind_lookup kind_of_;
  replay_guard replays_;
  link_binding_checks links_;
};

}  // namespace infergrid
