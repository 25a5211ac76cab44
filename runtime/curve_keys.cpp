#include "runtime/curve_keys.hpp"

#include <array>
#include <fstream>

#include "runtime/key_file_kind.hpp"

namespace infergrid {
namespace {

bool valid_z85_key(const std::string& text) {
  std::array<std::uint8_t, 32> raw{};
  return text.size() == curve_key_z85_chars && zmq_z85_decode(raw.data(), text.c_str()) != nullptr;
}

}  // namespace

result<curve_keypair> generate_curve_keypair() {
  std::array<char, curve_key_z85_chars + 1> public_key{};
  std::array<char, curve_key_z85_chars + 1> secret_key{};
  if (zmq_curve_keypair(public_key.data(), secret_key.data()) != 0) {
    return make_error(error_code::unsupported, "this libzmq has no CURVE support (zmq_curve_keypair failed)");
  }
  return curve_keypair{public_key.data(), secret_key.data()};
}

result<curve_keypair> curve_keypair_from_secret(const std::string& secret_z85) {
  if (!valid_z85_key(secret_z85)) return make_error(error_code::invalid_argument, "not a Z85 Curve25519 key (40 characters)");
  std::array<char, curve_key_z85_chars + 1> public_key{};
  if (zmq_curve_public(public_key.data(), secret_z85.c_str()) != 0) {
    return make_error(error_code::unsupported, "this libzmq has no CURVE support (zmq_curve_public failed)");
  }
  return curve_keypair{public_key.data(), secret_z85};
}

result<curve_keypair> load_curve_secret(const std::string& path) {
  auto secret = read_secret_key_line(path);
  if (!secret.ok()) return secret.err();
  auto pair = curve_keypair_from_secret(*secret);
  if (!pair.ok()) {
    return make_error(pair.err().code, "transport key file " + path + ": " + pair.err().message +
                                           "; `infergrid keygen` writes one as transport.key");
  }
  return pair;
}

result<std::string> parse_curve_public(const std::string& entry) {
  if (valid_z85_key(entry)) return entry;
  auto line = read_public_key_line(entry);
  if (!line.ok() && line.err().code != error_code::not_found) return line.err();
  if (!line.ok()) return make_error(error_code::invalid_argument, "'" + entry + "' is neither a Z85 public key (40 characters) nor a readable transport.pub file");
  if (!valid_z85_key(*line)) return make_error(error_code::invalid_argument, "public key file " + entry + " does not hold a Z85 Curve25519 key");
  return line;
}

void make_curve_server(zmq::socket_t& socket, const curve_keypair& own) {
  socket.set(zmq::sockopt::curve_server, true);
  socket.set(zmq::sockopt::curve_secretkey, own.secret_z85);
  socket.set(zmq::sockopt::zap_domain, zap_domain);
}

void make_curve_client(zmq::socket_t& socket, const curve_keypair& own, const std::string& server_public_z85) {
  socket.set(zmq::sockopt::curve_serverkey, server_public_z85);
  socket.set(zmq::sockopt::curve_publickey, own.public_z85);
  socket.set(zmq::sockopt::curve_secretkey, own.secret_z85);
}

}  // namespace infergrid
