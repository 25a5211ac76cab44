// What an eavesdropper on the wire sees: a hub process (matchmaker + gateway) and a stories260k
// worker process whose links both run through a recording tcp relay (the worker reaches the hub
// through one, the hub reaches the worker's advertised endpoint through the other), and a client
// that reaches the gateway's client socket through a third. A request with
// a known prompt is answered through the grid; under curve the prompt's bytes appear nowhere in
// the capture, and under plaintext — the control that shows the relays see the job — they do.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "actors/gateway/client/infergrid_client.hpp"
#include "runtime/key_files.hpp"
#include "tests/compute_grid.hpp"
#include "tests/support/tcp_relay.hpp"

namespace infergrid::compute_testing {
namespace {

constexpr std::int64_t startup_timeout_ms = 60000;  // the worker loads the model on lavapipe
constexpr std::int64_t request_timeout_ms = 60000;
const std::string secret_prompt = "Zanzibar whispered the violet password quokka";

struct capture {
  std::string to_worker;  // hub -> worker and back, as the relay forwarded it
  std::string to_hub;     // worker -> hub and back
  std::string to_gateway;  // client -> gateway and back
  std::string answer;
};

std::string security_yaml(transport_mode transport, const std::string& keys, bool open) {
  if (transport == transport_mode::plaintext) return fmt::format("{{transport: plaintext{}}}", open ? ", admit: open" : "");
  return fmt::format("{{transport: curve, transport_key: '{}/transport.key'{}}}", keys, open ? ", admit: open" : "");
}

capture run_grid(transport_mode transport) {
  capture out;
  const bool curve = transport == transport_mode::curve;
  const std::string dir = (std::filesystem::temp_directory_path() /
                           fmt::format("infergrid-wire-{}-{}", to_string(transport), ::getpid())).string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // Declared before the nodes, so removed after they stop; kept (keys, configs, logs) on a failure.
  struct removed_unless_failed {
    std::string dir;
    ~removed_unless_failed() {
      std::error_code ignored;
      if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{dir};
  const std::string hub_keys = dir + "/hub-keys";
  const std::string worker_keys = dir + "/worker-keys";
  EXPECT_TRUE(write_new_keys(hub_keys).ok());
  EXPECT_TRUE(write_new_keys(worker_keys).ok());
  const int hub_port = free_port();
  const int worker_port = free_port();
  const int gateway_port = free_port();
  testing::tcp_relay to_hub(hub_port);
  testing::tcp_relay to_worker(worker_port);
  testing::tcp_relay to_gateway(gateway_port);
  EXPECT_NE(to_hub.port(), 0);
  EXPECT_NE(to_worker.port(), 0);

  std::ofstream(dir + "/hub.yaml") << fmt::format(R"(node: {{name: hub, bind: "tcp://127.0.0.1:{}"}}
limits: {{drain_timeout_ms: 500, drain_quiet_ms: 20}}
security: {}
actors:
  - {{name: matchmaker, kind: matchmaker, settings: {{heartbeat_interval_ms: 100, heartbeat_timeout_ms: 2000}}}}
  - {{name: gateway, kind: gateway, settings: {{bind: "tcp://127.0.0.1:{}"{}}}}}
)", hub_port, security_yaml(transport, hub_keys, true), gateway_port, curve ? ", transport_key: '" + hub_keys + "/transport.key'" : "");
  std::ofstream(dir + "/worker.yaml") << fmt::format(R"(node: {{name: w, bind: "tcp://127.0.0.1:{}", advertise: "tcp://127.0.0.1:{}"}}
limits: {{drain_timeout_ms: 500, drain_quiet_ms: 20}}
security: {}
peers: [{{name: hub, endpoint: "tcp://127.0.0.1:{}", actors: [matchmaker], transport_key: "{}/transport.pub"}}]
actors:
  - name: gpu_worker
    kind: gpu_worker
    settings: {{model_path: "{}", slots: 2, context_size: 256, benchmark_tokens: 4, heartbeat_interval_ms: 100,
               identity_file: "{}/signing.key"}}
)", worker_port, to_worker.port(), security_yaml(transport, worker_keys, false), to_hub.port(), hub_keys,
                                                     stories260k_model_path(), worker_keys);
  node_process hub(dir + "/hub.yaml", dir + "/hub.log");
  node_process worker(dir + "/worker.yaml", dir + "/worker.log");

  const std::string hub_public = curve ? parse_curve_public(hub_keys + "/transport.pub").value() : std::string();
  infergrid_client client(fmt::format("tcp://127.0.0.1:{}", to_gateway.port()), hub_public);
  bool ready = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(startup_timeout_ms);
  while (!ready && std::chrono::steady_clock::now() < deadline) {
    auto supply = client.supply("stories260k", 1000);
    ready = supply.ok() && !supply->models.empty() && supply->models[0].workers == 1;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(ready) << "the worker never registered with the hub (" << dir << ")";
  inference_request request;
  request.model = "stories260k";
  request.prompt = secret_prompt;
  request.max_tokens = 8;
  request.sampling.temperature = 0;
  auto answer = client.complete(request, request_timeout_ms);
  EXPECT_TRUE(answer.ok()) << (answer.ok() ? "" : answer.err().message);
  if (answer.ok()) out.answer = answer->text;
  out.to_worker = to_worker.captured();
  out.to_hub = to_hub.captured();
  out.to_gateway = to_gateway.captured();
  return out;
}

TEST(wire_encryption, under_curve_the_prompt_never_crosses_the_wire_in_the_clear) {
  const capture wire = run_grid(transport_mode::curve);
  ASSERT_FALSE(wire.answer.empty()) << "no completion came back through the relays";
  ASSERT_GT(wire.to_worker.size(), 1000u) << "the job did not travel through the relay";
  ASSERT_GT(wire.to_hub.size(), 1000u);
  EXPECT_EQ(wire.to_worker.find(secret_prompt), std::string::npos);
  EXPECT_EQ(wire.to_worker.find("Zanzibar"), std::string::npos);
  EXPECT_EQ(wire.to_hub.find("Zanzibar"), std::string::npos);
  ASSERT_GT(wire.to_gateway.size(), 500u) << "the client did not go through the relay";
  EXPECT_EQ(wire.to_gateway.find("Zanzibar"), std::string::npos) << "the client's link to the gateway leaks the prompt";
  EXPECT_EQ(wire.to_worker.find("stories260k"), std::string::npos) << "even the model name is encrypted";
  EXPECT_NE(wire.to_worker.find("CURVE"), std::string::npos) << "the ZMTP greeting names the mechanism";
}

TEST(wire_encryption, under_plaintext_the_same_capture_shows_the_prompt) {
  const capture wire = run_grid(transport_mode::plaintext);
  ASSERT_FALSE(wire.answer.empty()) << "no completion came back through the relays";
  EXPECT_NE(wire.to_worker.find(secret_prompt), std::string::npos) << "the relay did not see the job in the clear";
  EXPECT_NE(wire.to_gateway.find(secret_prompt), std::string::npos) << "the relay did not see the request in the clear";
}

}  // namespace
}  // namespace infergrid::compute_testing
