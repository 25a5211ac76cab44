// Validators end to end with real processes: a hub process (settlement, matchmaker, gateway and three
// validators on their own engines), an honest worker process and a process of cheating workers (one
// gpu_worker actor per cheat mode, INFERGRID_TEST_CHEATS=1). Every miner is staked in the ledger;
// requests go through the gateway pinned to each miner. Each cheat that a signed receipt carries is
// convicted at the quorum and slashed in the ledger; receipts with forged or missing signatures
// are refused and cost reputation; a cheater whose streams are cancelled (paid from its chunk claims,
// no receipt) is convicted from the audits of its segments; every cheater is routed around; the
// honest miner keeps its stake and its jobs. A cheat mode without the test flag is refused at startup.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "actors/gateway/client/infergrid_client.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/random_llama.hpp"
#include "messages/challenge.hpp"
#include "messages/ledger.hpp"
#include "messages/match.hpp"
#include "runtime/node.hpp"
#include "tests/compute_grid.hpp"

namespace infergrid::compute_testing {
namespace {

constexpr std::int64_t startup_timeout_ms = 120000;
constexpr std::int64_t verdict_timeout_ms = 120000;
constexpr std::int64_t request_timeout_ms = 60000;
constexpr std::int64_t miner_stake_micro = 1'000'000'000;  // 1,000 tokens
constexpr std::uint32_t validators = 3;

struct cheater {
  std::string mode;   // gpu_worker `cheat` setting, or "" with another model file
  std::string model;  // "registered", "other" or "q4_0"
  bool slashable;     // the cheat is in a signed receipt
  bool forges = false;  // fingerprints forged through the registered model (forge_fingerprints_with)
  // Its streams are cancelled after two chunks: no receipt ever comes, it is paid from its chunk
  // claims only, and only the audit of that segment (claimed_segment) can convict it.
  bool cancelled = false;
};

const std::vector<cheater>& cheaters() {
  static const std::vector<cheater> list = {
      {"", "other", true},          {"", "q4_0", true},
      {"random_tokens", "registered", true}, {"truncate", "registered", true},
      {"replay_old", "registered", true},    {"inflate_count", "registered", true},
      {"wrong_model_hash", "registered", true}, {"forge_signature", "registered", false},
      {"missing_signature", "registered", false},  {"", "other", true, true},
      {"random_tokens", "registered", true, false, true},
  };
  return list;
}

std::string cheat_name(const cheater& c) {
  if (c.forges) return "forges_fingerprints";
  if (c.cancelled) return c.mode + "_cancelled";
  return c.mode.empty() ? "serves_" + c.model : c.mode;
}

std::string key_file(const std::string& dir, const std::string& name, std::uint8_t index, std::string* id) {
  std::array<std::uint8_t, 32> seed{};
  seed[0] = index;
  seed[1] = static_cast<std::uint8_t>(::getpid());
  seed[2] = 0x5A;
  const std::string path = dir + "/" + name + ".key";
  std::ofstream(path) << to_hex(seed) << "\n";
  *id = to_hex(identity::from_seed(seed).public_id());
  return path;
}

class validation_grid {
 public:
  validation_grid() {
    dir_ = (std::filesystem::temp_directory_path() / fmt::format("infergrid-validation-{}", ::getpid())).string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    // One seed (one vocabulary); "other" is a smaller model (1 layer), "q4_0" the registered one quantised.
    for (const auto& [name, type, layers] : {std::tuple{"registered", model::ggml_type::f16, 2},
                                             std::tuple{"other", model::ggml_type::f16, 1},
                                             std::tuple{"q4_0", model::ggml_type::q4_0, 2}}) {
      model::random_llama_options o = model::random_llama_tiny(type);
      o.context_length = 256;
      o.n_layers = static_cast<std::uint32_t>(layers);
      models_[name] = dir_ + "/" + name + ".gguf";
      EXPECT_TRUE(model::write_random_llama(models_[name], o).ok());
    }
    registered_hash_ = to_hex(std::move(model::gguf_file::open(models_["registered"])).value().content_hash());
    hub_endpoint_ = fmt::format("tcp://127.0.0.1:{}", free_port());
    const std::string probe_key = key_file(dir_, "probe", 200, &operator_id_);
    gateway_endpoint_ = fmt::format("tcp://127.0.0.1:{}", free_port());
    start_hub();
    honest_id_ = start_workers("honest", {});
    node_config probe;
    probe.source = "<validation test probe>";
    probe.security.identity_path = probe_key;  // the hub's operator: it funds and stakes the miners
    probe.name = "probe";
    probe.bind = "tcp://127.0.0.1:*";
    probe.security.transport = transport_mode::plaintext;  // validation over tcp; CurveZMQ: compute_grid, transport tests
    probe.limits.drain_quiet_ms = 10;
    probe.peers.push_back(peer_config{"hub", hub_endpoint_, {"matchmaker", "gateway", "settlement"}});
    probe_ = std::move(node::create(probe)).value();
  }
  ~validation_grid() {
    probe_->stop();
    processes_.clear();
    std::error_code ignored;
    if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir_, ignored);  // kept for the logs
  }

  // Starts one node process with a gpu_worker actor per cheater (or the honest one); returns the
  // first worker's id and records every cheater's id.
  std::string start_workers(const std::string& node_name, const std::vector<cheater>& list) {
    std::string actors;
    std::string first_id;
    const auto add = [&](const std::string& name, const std::string& model, const std::string& extra) {
      std::string id;
      const std::string key = key_file(dir_, name, static_cast<std::uint8_t>(++keys_), &id);
      if (first_id.empty()) first_id = id;
      ids_[name] = id;
      actors += fmt::format(R"(  - name: {}
    kind: gpu_worker
    settings: {{model_path: "{}", model_name: tiny, slots: 2, context_size: 256, identity_file: "{}",
               benchmark_tokens: 2, heartbeat_interval_ms: 100, chunk_tokens: 4{}}}
)", name, models_[model], key, extra);
    };
    // The honest miner keeps its KV cache in 16-bit floats, the validators in 32-bit: another kernel
    // path's rounding, which must never convict it.
    if (list.empty()) add(node_name, "registered", ", kv_cache_type: f16");
    for (const cheater& c : list) {
      std::string extra = c.mode.empty() ? "" : ", cheat: " + c.mode;
      if (c.model != "registered") extra += ", claimed_model_hash: \"" + registered_hash_ + "\"";
      if (c.forges) extra += ", forge_fingerprints_with: \"" + models_["registered"] + "\"";
      add(cheat_name(c), c.model, extra);
    }
    const std::string config = write(node_name + ".yaml", fmt::format(R"(node: {{name: {}, bind: "tcp://127.0.0.1:*"}}
limits: {{drain_timeout_ms: 500, drain_quiet_ms: 20}}
security: {{transport: plaintext}}
peers: [{{name: hub, endpoint: "{}", actors: [matchmaker]}}]
actors:
{})", node_name, hub_endpoint_, actors));
    processes_.push_back(std::make_unique<node_process>(config, dir_ + "/" + node_name + ".log"));
    return first_id;
  }

  template <class Reply, class T>
  result<Reply> call(const std::string& actor, const T& message) {
    return probe_->call<Reply>("hub/" + actor, message, 5000);
  }
  std::int64_t staked(const std::string& account) {
    auto reply = call<stake_reply>("settlement", stake_query{account});
    if (!reply.ok()) fmt::print(stderr, "stake of {}: {}\n", account.substr(0, 16), reply.err().message);
    return reply.ok() ? reply->staked_micro : -1;
  }
  bool wait_until(const std::function<bool()>& ready, std::int64_t timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // poll period of a bounded wait
    }
    return false;
  }
  std::uint32_t serving_workers() {
    auto report = probe_->call<supply_report>("hub/matchmaker", supply_request{"tiny"}, 2000);
    return report.ok() && !report->models.empty() ? report->models[0].workers : 0;
  }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
    return dir_ + "/" + name;
  }

  std::string dir_, hub_endpoint_, gateway_endpoint_, registered_hash_, honest_id_, operator_id_;
  std::map<std::string, std::string> models_, ids_;
  std::vector<std::string> validator_ids_;
  std::vector<std::unique_ptr<node_process>> processes_;
  std::unique_ptr<node> probe_;
  int keys_ = 0;

 private:
  void start_hub() {
    std::string validator_actors;
    std::string names;
    for (std::uint32_t v = 1; v <= validators; ++v) {
      std::string id;
      const std::string key = key_file(dir_, fmt::format("validator-{}", v), static_cast<std::uint8_t>(100 + v), &id);
      validator_ids_.push_back(id);
      names += fmt::format("{}validator-{}", v > 1 ? ", " : "", v);
      validator_actors += fmt::format(R"(  - name: validator-{}
    kind: validator
    settings: {{model_path: "{}", model_name: tiny, context_size: 256, audit_rate: 0.5, bond_micro: 100000000,
               identity_file: "{}"}}
)", v, models_["registered"], key);
    }
    // A permissionless hub (as compute_grid's): each worker registers under the key it signs with;
    // the probe's key is the operator's (deposits, stakes for the miners).
    const std::string config = write("hub.yaml", fmt::format(R"(node: {{name: hub, bind: "{}"}}
limits: {{drain_timeout_ms: 500, drain_quiet_ms: 20}}
security: {{admit: open, operators: [{}], transport: plaintext}}
actors:
  - name: settlement
    kind: settlement
    settings: {{db: "{}/ledger.db", durable: false}}
  - name: matchmaker
    kind: matchmaker
    settings: {{heartbeat_interval_ms: 100, heartbeat_timeout_ms: 2000, stall_timeout_ms: 5000, tick_ms: 20,
               receipts_to: settlement, validators: [{}]}}
  - name: gateway
    kind: gateway
    settings: {{bind: "{}"}}
{})", hub_endpoint_, operator_id_, dir_, names, gateway_endpoint_, validator_actors));
    processes_.push_back(std::make_unique<node_process>(config, dir_ + "/hub.log"));
  }
};

inference_request pinned(const std::string& miner, const std::string& prompt, float temperature, std::uint64_t seed) {
  inference_request r;
  r.model = "tiny";
  r.prompt = prompt;
  r.max_tokens = 24;
  r.sampling.temperature = temperature;
  r.sampling.seed = seed;
  if (!miner.empty()) {
    r.routing.preferred_miners = {miner};
    r.routing.allow_fallbacks = false;
  }
  return r;
}

const std::vector<std::string> prompts = {"Once upon a time", "The little dog ran", "She opened the door"};
const std::vector<float> temperatures = {0.0f, 0.7f, 1.0f};

TEST(validation_grid, cheaters_are_convicted_slashed_and_routed_around_the_honest_miner_never) {
  ASSERT_EQ(::setenv("INFERGRID_TEST_CHEATS", "1", 1), 0);
  validation_grid grid;
  grid.start_workers("cheaters", cheaters());
  ASSERT_TRUE(grid.wait_until([&] { return grid.serving_workers() == 1 + cheaters().size(); }, startup_timeout_ms))
      << "workers registered: " << grid.serving_workers() << " (logs in " << grid.dir_ << ")";
  for (const auto& [name, id] : grid.ids_) {
    ASSERT_TRUE(grid.call<ledger_ack>("settlement", ledger_deposit{"fund/" + id, id, 1, miner_stake_micro}).ok());
    ASSERT_TRUE(grid.call<ledger_ack>("settlement", ledger_stake{"stake/" + id, id, miner_stake_micro}).ok());
  }
  ASSERT_TRUE(grid.wait_until([&] {
    for (const auto& v : grid.validator_ids_) {
      auto reply = grid.call<stake_reply>("settlement", stake_query{v});
      if (!reply.ok() || !reply->can_vote) return false;
    }
    return true;
  }, startup_timeout_ms)) << "validators did not bond";

  infergrid_client client(grid.gateway_endpoint_);
  std::map<std::string, int> served;
  std::vector<std::string> cancelled_ids;
  std::uint64_t seed = 1;
  for (const auto& [name, id] : grid.ids_) {
    for (const float temperature : temperatures) {
      for (const auto& prompt : prompts) {
        if (name == "random_tokens_cancelled") {
          inference_request long_one = pinned(id, prompt, temperature, ++seed);
          long_one.request_id = fmt::format("cut-{}", seed);
          long_one.max_tokens = 120;  // still streaming when the cancel comes
          int chunks = 0;
          auto cut = client.stream(long_one, [&](const token_chunk&) { return ++chunks < 2; }, request_timeout_ms);
          if (!cut.ok() && cut.err().code == error_code::cancelled) cancelled_ids.push_back(long_one.request_id);
          continue;
        }
        auto answer = client.complete(pinned(id, prompt, temperature, ++seed), request_timeout_ms);
        if (answer.ok()) ++served[name];
        if (name == "honest") {
          EXPECT_TRUE(answer.ok()) << answer.err().message;
        }
      }
    }
  }
  // Every cheat in a signed receipt is convicted and slashed; the others cost reputation only.
  for (const cheater& c : cheaters()) {
    const std::string& id = grid.ids_.at(cheat_name(c));
    if (c.slashable) {
      EXPECT_TRUE(grid.wait_until([&] { return grid.staked(id) < miner_stake_micro; }, verdict_timeout_ms))
          << cheat_name(c) << " was not slashed (logs in " << grid.dir_ << ")";
    }
  }
  // The cancelled cheater was convicted on segments: jobs it streamed (the gateway names them anew)
  // that ended with no receipt, their traces showing its segment and a guilty verdict on it.
  const std::string& cut_id = grid.ids_.at("random_tokens_cancelled");
  served["random_tokens_cancelled"] = static_cast<int>(cancelled_ids.size());
  int convicted_segments = 0;
  auto view = grid.call<grid_view_report>("matchmaker", grid_view_query{200});
  ASSERT_TRUE(view.ok()) << view.err().message;
  for (const job_view& job : view->recent_jobs) {
    if (job.worker_id != cut_id || job.receipt) continue;
    auto trace = grid.call<trace_report>("matchmaker", trace_query{job.request_id});
    if (!trace.ok() || !trace->receipts.empty() || trace->segments.empty()) continue;
    EXPECT_EQ(trace->segments[0].worker_id, cut_id);
    for (const audit_verdict& v : trace->verdicts) convicted_segments += v.guilty && v.miner == cut_id ? 1 : 0;
  }
  EXPECT_GE(convicted_segments, 1) << cancelled_ids.size() << " streams cancelled (logs in " << grid.dir_ << ")";
  fmt::print("{:20} {:>7} {:>16} {:>14}\n", "cheat", "served", "stake left", "routed around");
  for (const cheater& c : cheaters()) {
    const std::string name = cheat_name(c);
    const std::string& id = grid.ids_.at(name);
    auto refused = client.complete(pinned(id, prompts[0], 0.0f, 99), request_timeout_ms);
    const bool routed_around = !refused.ok() && refused.err().message.find("failed audits") != std::string::npos;
    EXPECT_TRUE(routed_around) << name << ": " << (refused.ok() ? "served" : refused.err().message);
    const std::int64_t left = grid.staked(id);
    if (c.slashable) {
      EXPECT_LT(left, miner_stake_micro) << name;
    } else {
      EXPECT_EQ(left, miner_stake_micro) << name << ": an unsigned receipt binds nobody";
    }
    fmt::print("{:20} {:>7} {:>16} {:>14}\n", name, served[name], left, routed_around ? "yes" : "no");
  }
  // The honest miner: never slashed, still served, and unpinned traffic now goes to it alone.
  EXPECT_EQ(grid.staked(grid.honest_id_), miner_stake_micro);
  fmt::print("{:20} {:>7} {:>16} {:>14}\n", "honest", served["honest"], grid.staked(grid.honest_id_), "no");
  for (int i = 0; i < 4; ++i) {
    auto answer = client.complete(pinned("", prompts[static_cast<std::size_t>(i) % prompts.size()], 0.7f, 500 + i), request_timeout_ms);
    ASSERT_TRUE(answer.ok()) << answer.err().message;
    EXPECT_EQ(answer->worker_ids, std::vector<std::string>{grid.honest_id_});
  }
}

TEST(validation_grid, a_cheat_mode_is_refused_without_the_test_flag) {
  ASSERT_EQ(::unsetenv("INFERGRID_TEST_CHEATS"), 0);
  const std::string dir = (std::filesystem::temp_directory_path() / fmt::format("infergrid-cheatflag-{}", ::getpid())).string();
  std::filesystem::create_directories(dir);
  for (const std::string& setting :
       std::vector<std::string>{"cheat: random_tokens", "forge_fingerprints_with: \"" + stories260k_model_path() + "\""}) {
    const std::string config = dir + "/worker.yaml";
    std::ofstream(config) << fmt::format(R"(node: {{name: w, bind: "tcp://127.0.0.1:*"}}
security: {{transport: plaintext}}
actors:
  - name: gpu_worker
    kind: gpu_worker
    settings: {{model_path: "{}", {}}}
)", stories260k_model_path(), setting);
    node_process process(config, dir + "/worker.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (process.running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // poll period of a bounded wait
    }
    EXPECT_FALSE(process.running()) << setting;
    std::ifstream log(dir + "/worker.log");
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("test-only"), std::string::npos) << setting << ": " << text;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace infergrid::compute_testing
