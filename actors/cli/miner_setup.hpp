#pragma once
// miner_setup: what `infergrid miner join` and `miner status` read from a miner's node config — its
// gpu_worker (model, slots, key file), the key folder, and where the grid is: the peer hosting the
// matchmaker the worker registers with, and the peer hosting the settlement actor (the ledger; the
// matchmaker's node when no peer names it, as on a hub that hosts both).
#include <cstddef>
#include <string>

#include "actors/cli/node_client.hpp"
#include "actors/gpu_worker/gpu_worker_config.hpp"
#include "runtime/config.hpp"
#include "runtime/result.hpp"

namespace infergrid::cli {

struct miner_setup_options {
  std::string config_path;
  std::string model;                      // "" = the config's only gpu_worker; else the one serving this model
  std::string settlement = "settlement";  // the ledger actor's name
};

struct grid_peer {
  node_target target;  // how a CLI node reaches it, signing with the miner's key
  std::string actor;   // "<node>/<actor>"
};

struct miner_setup {
  node_config config;
  std::size_t worker_index = 0;  // the gpu_worker among config.actors
  gpu_worker::worker_config worker;  // model_path resolved
  std::string signing_key_path;  // the worker's identity_file: keys/<miner>/signing.key
  std::string keys_directory;    // its folder, laid out as `infergrid keygen` writes it
  grid_peer matchmaker;
  grid_peer settlement;
};

result<miner_setup> read_miner_setup(const miner_setup_options& options);

// The miner's public key (its account and worker id); with `create`, a new key folder
// (`infergrid keygen`'s layout) when the signing key does not exist yet.
struct miner_keys {
  std::string account;  // Ed25519 public key hex
  bool created = false;
};
result<miner_keys> open_miner_keys(const miner_setup& setup, bool create);

}  // namespace infergrid::cli
