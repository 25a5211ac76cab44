// `infergrid keygen --out DIR`: a new identity for a node or a miner (runtime/key_files.hpp):
// an Ed25519 signing key pair and a Curve25519 transport key pair; secrets 0600, never overwritten.
#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "runtime/key_files.hpp"

namespace {

void add_keygen(CLI::App& app) {
  auto* command = app.add_subcommand("keygen", "Write a new signing key pair (Ed25519) and transport key pair "
                                               "(Curve25519) into a directory; refuses to overwrite existing keys.");
  auto out = std::make_shared<std::string>();
  command->add_option("--out", *out, "Directory for signing.key/.pub and transport.key/.pub (created 0700).")->required();
  command->callback([out] {
    auto written = infergrid::write_new_keys(*out);
    if (!written.ok()) {
      fmt::print(stderr, "infergrid keygen: {}\n", written.err().message);
      infergrid::cli::set_exit_code(1);
      return;
    }
    fmt::print("signing key   {}/signing.key (public {})\n", *out, written->signing_public_hex);
    fmt::print("transport key {}/transport.key (public {})\n", *out, written->transport_public_z85);
  });
}

IG_REGISTER_COMMAND(add_keygen);

}  // namespace
