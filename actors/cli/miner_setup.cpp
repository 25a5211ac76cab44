#include "actors/cli/miner_setup.hpp"

#include <algorithm>
#include <filesystem>

#include "runtime/input_path.hpp"
#include "runtime/identity.hpp"
#include "runtime/key_files.hpp"

namespace infergrid::cli {
namespace {

std::string models_of(const node_config& config) {
  std::string out;
  for (const actor_config& actor : config.actors) {
    if (actor.kind != "gpu_worker") continue;
    auto worker = gpu_worker::read_worker_config(actor.config);
    out += (out.empty() ? "" : ", ") + (worker.ok() ? worker->model_name : actor.name);
  }
  return out.empty() ? "none" : out;
}

result<std::size_t> find_worker(const node_config& config, const std::string& model) {
  std::size_t found = config.actors.size();
  std::size_t workers = 0;
  for (std::size_t i = 0; i < config.actors.size(); ++i) {
    if (config.actors[i].kind != "gpu_worker") continue;
    ++workers;
    auto worker = gpu_worker::read_worker_config(config.actors[i].config);
    if (!worker.ok()) return worker.err();
    if (model.empty() || worker->model_name == model) found = std::min(found, i);
  }
  if (workers == 0) {
    return make_error(error_code::invalid_argument, config.source + ": no gpu_worker actor: a miner's node hosts one "
                                                                    "(see deploy/cluster/three-host/miner.yaml)");
  }
  if (found == config.actors.size()) {
    return make_error(error_code::not_found, "unknown model '" + model + "': " + config.source +
                                                 "'s gpu_workers serve: " + models_of(config));
  }
  if (model.empty() && workers > 1) {
    return make_error(error_code::invalid_argument, config.source + " has " + std::to_string(workers) +
                                                        " gpu_workers: pick one with --model (" + models_of(config) + ")");
  }
  return found;
}

// The peer hosting `actor` (a bare name), reached with the miner's keys.
const peer_config* peer_hosting(const node_config& config, const std::string& actor) {
  for (const peer_config& peer : config.peers) {
    if (std::find(peer.actors.begin(), peer.actors.end(), actor) != peer.actors.end()) return &peer;
  }
  return nullptr;
}

grid_peer reach(const node_config& config, const peer_config& peer, const std::string& actor,
                const std::string& signing_key_path) {
  node_target target;
  target.endpoint = peer.endpoint;
  target.node_name = peer.name;
  if (config.security.transport == transport_mode::curve) {
    target.server_key = peer.transport_key;
    target.transport_key = config.security.transport_key_path;
  }
  target.identity = signing_key_path;
  return grid_peer{std::move(target), peer.name + "/" + actor};
}

}  // namespace

result<miner_setup> read_miner_setup(const miner_setup_options& options) {
  auto config = load_config_file(options.config_path);
  if (!config.ok()) return config.err();
  auto index = find_worker(*config, options.model);
  if (!index.ok()) return index.err();
  const actor_config& actor = config->actors[*index];
  auto worker = gpu_worker::read_worker_config(actor.config);
  if (!worker.ok()) return worker.err();
  worker->model_path = resolve_input_path(worker->model_path, actor.config.source());
  if (!std::filesystem::exists(worker->model_path)) {
    return make_error(error_code::not_found, actor.config.where("model_path") + ": model file " + worker->model_path +
                                                 " not found");
  }
  if (worker->identity_file.empty()) {
    return make_error(error_code::invalid_argument,
                      actor.config.where() + ": no identity_file: a miner needs a lasting key (its stake and earnings "
                                             "are bound to it); set identity_file: keys/<miner>/signing.key");
  }
  const std::string matchmaker_name = worker->matchmaker.substr(worker->matchmaker.find('/') + 1);
  const peer_config* hub = peer_hosting(*config, matchmaker_name);
  if (hub == nullptr) {
    return make_error(error_code::invalid_argument,
                      config->source + ": no peer hosts '" + matchmaker_name + "': a miner joins a grid through its hub "
                      "(peers: [{name: hub, endpoint: tcp://…, actors: [" + matchmaker_name + "]}])");
  }
  const peer_config* ledger = peer_hosting(*config, options.settlement);
  miner_setup out;
  out.worker_index = *index;
  out.signing_key_path = worker->identity_file;
  out.keys_directory = std::filesystem::path(worker->identity_file).parent_path().string();
  if (out.keys_directory.empty()) out.keys_directory = ".";
  out.matchmaker = reach(*config, *hub, matchmaker_name, out.signing_key_path);
  out.settlement = reach(*config, ledger != nullptr ? *ledger : *hub, options.settlement, out.signing_key_path);
  out.worker = std::move(*worker);
  out.config = std::move(*config);
  return out;
}

result<miner_keys> open_miner_keys(const miner_setup& setup, bool create) {
  const std::string& path = setup.signing_key_path;
  if (std::filesystem::exists(path)) {
    auto key = identity::load(path);
    if (!key.ok()) return make_error(key.err().code, path + ": " + key.err().message);
    return miner_keys{to_hex(key->public_id()), false};
  }
  if (!create) {
    return make_error(error_code::not_found, "no miner key at " + path + ": `infergrid miner join --config " +
                                                 setup.config.source + "` creates it");
  }
  if (std::filesystem::path(path).filename() != "signing.key") {
    return make_error(error_code::invalid_argument,
                      "no key at " + path + ": miner join creates keys as `infergrid keygen` lays them out, so name the "
                      "identity_file <folder>/signing.key (or run infergrid keygen yourself)");
  }
  auto written = write_new_keys(setup.keys_directory);
  if (!written.ok()) return written.err();
  return miner_keys{written->signing_public_hex, true};
}

}  // namespace infergrid::cli
