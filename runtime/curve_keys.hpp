#pragma once
// curve_keys: Curve25519 transport keys as `infergrid keygen` writes them (Z85 text, 40 characters)
// and the socket options that make a ZeroMQ socket a CurveZMQ server or client with them.
//
//   auto own = load_curve_secret("keys/hub/transport.key");   // the public half is derived
//   make_curve_server(router, *own);                           // before bind
//   make_curve_client(dealer, *own, peer_public_z85);          // before connect
#include <string>

#include <zmq.hpp>

#include "runtime/result.hpp"

namespace infergrid {

inline constexpr std::size_t curve_key_z85_chars = 40;

struct curve_keypair {
  std::string public_z85;
  std::string secret_z85;
};

result<curve_keypair> generate_curve_keypair();
// The pair of a Z85 secret key.
result<curve_keypair> curve_keypair_from_secret(const std::string& secret_z85);
// A secret key file (transport.key): the Z85 key on its first line that is no comment, below the
// secret-key header `infergrid keygen` writes; the public key is computed from it. A file that may
// be a public key is refused (key_file_kind.hpp).
result<curve_keypair> load_curve_secret(const std::string& path);
// A public key: 40 Z85 characters, or the path of a file whose first line is them (transport.pub);
// a *.key path, or a file whose header marks a secret, is refused.
result<std::string> parse_curve_public(const std::string& entry);

// ZAP domain every CURVE server socket of a node names (the ZAP handler answers for it).
inline constexpr const char* zap_domain = "infergrid";
void make_curve_server(zmq::socket_t& socket, const curve_keypair& own);
void make_curve_client(zmq::socket_t& socket, const curve_keypair& own, const std::string& server_public_z85);

}  // namespace infergrid
