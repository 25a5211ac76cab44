// bus_bench: the actor bus against raw cppzmq doing the same pattern in the same run.
//   throughput: one sender streams N messages of B body bytes to one receiver (msgs/s)
//   latency:    one request, one echo, strictly alternating (round trip p50/p99, microseconds)
// for B = 64 and 4096, over inproc (one node, two actors) and tcp loopback (two nodes).
// Raw baseline: PUSH->PULL for throughput, PAIR<->PAIR for latency, same transport.
// Then, on tcp at 4 KiB: the plain bus (signatures off, plaintext) against CurveZMQ, signatures,
// and both (the cluster default).
// Usage: bus_bench [--quick]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "messages/system.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"

using namespace infergrid;
using clock_type = std::chrono::steady_clock;

namespace {

struct run_sizes {
  int messages_small = 300000;  // throughput messages at 64 B
  int messages_large = 60000;   // throughput messages at 4 KiB
  int round_trips = 10000;      // latency samples per configuration
  int warmup_round_trips = 500;
  int security_rounds = 5;  // interleaved throughput rounds per security configuration
};

struct latency {
  double p50_us = 0;
  double p99_us = 0;
};

latency percentiles(std::vector<double> samples_us) {
  std::sort(samples_us.begin(), samples_us.end());
  auto at = [&](double q) { return samples_us[static_cast<std::size_t>(q * static_cast<double>(samples_us.size() - 1))]; };
  return latency{at(0.50), at(0.99)};
}

double seconds_since(clock_type::time_point begin) {
  return std::chrono::duration<double>(clock_type::now() - begin).count();
}

// ---- raw cppzmq baselines ------------------------------------------------------------------

double raw_throughput(zmq::context_t& context, const std::string& bind, int count, std::size_t body_bytes) {
  zmq::socket_t pull(context, zmq::socket_type::pull);
  pull.set(zmq::sockopt::rcvhwm, 100000);
  pull.bind(bind);
  const std::string endpoint = pull.get(zmq::sockopt::last_endpoint);
  std::promise<clock_type::time_point> started;
  auto started_at = started.get_future();
  std::thread sender([&] {
    zmq::socket_t push(context, zmq::socket_type::push);
    push.set(zmq::sockopt::sndhwm, 100000);
    push.connect(endpoint);
    std::vector<std::uint8_t> body(body_bytes, 7);
    (void)push.send(zmq::buffer(body), zmq::send_flags::none);  // connection warm-up, not timed
    started.set_value(clock_type::now());
    for (int i = 0; i < count; ++i) (void)push.send(zmq::buffer(body), zmq::send_flags::none);
  });
  zmq::message_t message;
  for (int i = 0; i <= count; ++i) (void)pull.recv(message);
  const auto end = clock_type::now();
  sender.join();
  return count / std::chrono::duration<double>(end - started_at.get()).count();
}

latency raw_latency(zmq::context_t& context, const std::string& bind, const run_sizes& sizes, std::size_t body_bytes) {
  zmq::socket_t client(context, zmq::socket_type::pair);
  client.bind(bind);
  const std::string endpoint = client.get(zmq::sockopt::last_endpoint);
  const int total = sizes.round_trips + sizes.warmup_round_trips;
  std::thread echo([&] {
    zmq::socket_t server(context, zmq::socket_type::pair);
    server.connect(endpoint);
    zmq::message_t message;
    for (int i = 0; i < total; ++i) {
      (void)server.recv(message);
      (void)server.send(message, zmq::send_flags::none);
    }
  });
  std::vector<std::uint8_t> body(body_bytes, 7);
  std::vector<double> samples;
  zmq::message_t reply;
  for (int i = 0; i < total; ++i) {
    const auto begin = clock_type::now();
    (void)client.send(zmq::buffer(body), zmq::send_flags::none);
    (void)client.recv(reply);
    if (i >= sizes.warmup_round_trips) samples.push_back(seconds_since(begin) * 1e6);
  }
  echo.join();
  return percentiles(std::move(samples));
}

// ---- the actor bus ------------------------------------------------------------------------

// Counts pings; the first (a connection warm-up) is not timed.
struct sink_state {
  sink_state(actor_context&, int expected_count, std::promise<clock_type::time_point>* last)
      : expected(expected_count), last_at(last) {}
  handler_table handlers() {
    return {on<ping>([this](const ping&) {
      if (++count == expected + 1) last_at->set_value(clock_type::now());
    })};
  }
  int expected;
  int count = 0;
  std::promise<clock_type::time_point>* last_at;
};

// Sends one warm-up ping, waits for its echo, then streams `count` pings.
struct source_state {
  source_state(actor_context& context, std::string target_name, int total, std::size_t body_bytes,
               std::promise<clock_type::time_point>* started)
      : ctx(context), target(std::move(target_name)), count(total), bytes(body_bytes), started_at(started) {}
  handler_table handlers() { return {}; }
  void on_start() {
    ping message{0, std::vector<std::uint8_t>(bytes, 7)};
    (void)ctx.send(target, message);
    ctx.request<pong>(echo_target(), ping{}, 10000, [this, message](result<pong>) mutable {
      started_at->set_value(clock_type::now());
      for (int i = 0; i < count; ++i) {
        message.sequence = static_cast<std::uint64_t>(i);
        (void)ctx.send(target, message);
      }
    });
  }
  // The echo actor beside the sink: its reply proves the connection is up.
  std::string echo_target() const { return target.substr(0, target.find('/')) + "/echo"; }
  actor_context& ctx;
  std::string target;
  int count;
  std::size_t bytes;
  std::promise<clock_type::time_point>* started_at;
};

struct echo_state {
  echo_state(actor_context& context) : ctx(context) {}
  handler_table handlers() {
    return {on<ping>([](const ping& p) -> result<pong> { return pong{p.sequence, p.payload, {}}; })};
  }
  actor_context& ctx;
};

struct prober_state {
  prober_state(actor_context& context, std::string target_name, int total, int warmup, std::size_t body_bytes,
               std::promise<std::vector<double>>* done)
      : ctx(context), target(std::move(target_name)), count(total), skip(warmup), bytes(body_bytes), finished(done) {}
  handler_table handlers() { return {}; }
  void on_start() { next(); }
  void next() {
    if (sent == count + skip) return finished->set_value(std::move(samples));
    const auto begin = clock_type::now();
    ctx.request<pong>(target, ping{static_cast<std::uint64_t>(sent), std::vector<std::uint8_t>(bytes, 7)}, 10000,
                      [this, begin](result<pong> reply) {
                        if (!reply.ok()) return finished->set_value({});
                        if (sent > skip) samples.push_back(seconds_since(begin) * 1e6);
                        next();
                      });
    ++sent;
  }
  actor_context& ctx;
  std::string target;
  int count;
  int skip;
  std::size_t bytes;
  std::promise<std::vector<double>>* finished;
  int sent = 0;
  std::vector<double> samples;
};

// What the tcp link between the two nodes pays for: `plain` = `signatures: off` + `transport:
// plaintext`, the bus the security cost is measured against; `signed` = every envelope signed and
// checked at the door (the default), over plaintext tcp; `signed_curve` = the cluster default,
// signatures + CurveZMQ (encryption, ZAP allowlist admitting the other node's transport key), where
// each envelope carries its signer's link binding instead of an Ed25519 signature over the
// envelope (runtime/link_binding.hpp);
// `curve_only` separates the two costs.
enum class bus_security { plain, curve_only, signed_plaintext, signed_curve };

node_config bench_config(const std::string& name, bool tcp, bus_security security, const curve_keypair& own,
                         const curve_keypair& other) {
  node_config config;
  config.source = "<bench>";
  config.name = name;
  const bool curve = security == bus_security::curve_only || security == bus_security::signed_curve;
  config.security.require_signatures = security == bus_security::signed_plaintext || security == bus_security::signed_curve;
  config.security.transport = curve ? transport_mode::curve : transport_mode::plaintext;
  config.security.transport_key_secret = own.secret_z85;
  config.security.transport_members = {other.public_z85};
  if (tcp) config.bind = "tcp://127.0.0.1:*";
  config.limits.drain_quiet_ms = 10;
  config.limits.send_timeout_ms = 10000;  // a benchmark waits for room instead of dropping
  return config;
}

// Two nodes for tcp (receiver on `far`), one node for inproc (both actors on `near`).
struct bus_pair {
  explicit bus_pair(bool tcp, bus_security security = bus_security::signed_plaintext) {
    const curve_keypair near_keys = generate_curve_keypair().value();
    const curve_keypair far_keys = generate_curve_keypair().value();
    near = std::move(node::create(bench_config("near", tcp, security, near_keys, far_keys))).value();
    if (tcp) {
      far = std::move(node::create(bench_config("far", true, security, far_keys, near_keys))).value();
      const bool curve = security == bus_security::curve_only || security == bus_security::signed_curve;
      near->names().add_peer("far", far->endpoint(), {}, curve ? far_keys.public_z85 : std::string());
      far->names().add_peer("near", near->endpoint(), {}, curve ? near_keys.public_z85 : std::string());
    }
  }
  node& receiver_node() { return far ? *far : *near; }
  std::string receiver(const std::string& actor) const { return (far ? "far/" : "near/") + actor; }
  std::unique_ptr<node> near;
  std::unique_ptr<node> far;
};

double bus_throughput(bool tcp, int count, std::size_t body_bytes, bus_security security = bus_security::signed_plaintext) {
  bus_pair pair(tcp, security);
  std::promise<clock_type::time_point> first;
  std::promise<clock_type::time_point> last;
  auto first_at = first.get_future();
  auto last_at = last.get_future();
  (void)pair.receiver_node().spawn_state<sink_state>("sink", count, &last);
  (void)pair.receiver_node().spawn_state<echo_state>("echo");
  (void)pair.near->spawn_state<source_state>("source", pair.receiver("sink"), count, body_bytes, &first);
  if (last_at.wait_for(std::chrono::seconds(120)) != std::future_status::ready) return 0;
  return count / std::chrono::duration<double>(last_at.get() - first_at.get()).count();
}

latency bus_latency(bool tcp, const run_sizes& sizes, std::size_t body_bytes,
                    bus_security security = bus_security::signed_plaintext) {
  bus_pair pair(tcp, security);
  std::promise<std::vector<double>> done;
  auto samples = done.get_future();
  (void)pair.receiver_node().spawn_state<echo_state>("echo");
  (void)pair.near->spawn_state<prober_state>("prober", pair.receiver("echo"), sizes.round_trips,
                                              sizes.warmup_round_trips, body_bytes, &done);
  auto measured = samples.get();
  if (measured.empty()) return {};
  return percentiles(std::move(measured));
}

}  // namespace

int main(int argc, char** argv) {
  set_log_level(log_level::warn);
  run_sizes sizes;
  bool quick = false;
  CLI::App app{"bus_bench: the actor bus against raw cppzmq (baseline), same pattern, same run."};
  app.add_flag("--quick", quick, "fewer messages and rounds (a smoke run; the figures are noisier)");
  CLI11_PARSE(app, argc, argv);
  if (quick) sizes = run_sizes{30000, 6000, 1000, 100, 1};
  zmq::context_t context;
  std::printf("bus_bench: actor bus vs raw cppzmq (baseline), same pattern, same run\n");
  std::printf("%-8s %6s | %14s %14s %6s | %10s %10s %6s | %10s %10s\n", "transport", "body", "raw msgs/s",
              "bus msgs/s", "ratio", "raw p50 us", "bus p50 us", "ratio", "raw p99 us", "bus p99 us");
  for (bool tcp : {false, true}) {
    for (std::size_t body : {std::size_t{64}, std::size_t{4096}}) {
      const int count = body == 64 ? sizes.messages_small : sizes.messages_large;
      const std::string bind = tcp ? "tcp://127.0.0.1:*" : "inproc://bench-" + std::to_string(body);
      const double raw_rate = raw_throughput(context, bind + (tcp ? "" : "-t"), count, body);
      const double bus_rate = bus_throughput(tcp, count, body);
      const latency raw = raw_latency(context, bind + (tcp ? "" : "-l"), sizes, body);
      const latency bus = bus_latency(tcp, sizes, body);
      std::printf("%-8s %5zuB | %14.0f %14.0f %5.2fx | %10.1f %10.1f %5.2fx | %10.1f %10.1f\n", tcp ? "tcp" : "inproc",
                  body, raw_rate, bus_rate, bus_rate / raw_rate, raw.p50_us, bus.p50_us, bus.p50_us / raw.p50_us,
                  raw.p99_us, bus.p99_us);
      std::fflush(stdout);
    }
  }
  std::printf("targets: throughput ratio >= 0.50, p50 latency ratio <= 2.00\n");
  // The price of security on tcp, same run: CurveZMQ, signatures and both against the plain bus
  // (signatures off, plaintext). Throughput is noisy on a small shared VM (the four threads of two
  // nodes share its cores), so each configuration runs in `security_rounds` interleaved rounds and
  // the median is reported, with the range of the per-round ratios.
  constexpr std::size_t body = 4096;
  constexpr std::array configurations{bus_security::plain, bus_security::curve_only, bus_security::signed_plaintext,
                                      bus_security::signed_curve};
  constexpr std::array labels{"plain (baseline)", "curve (signatures off)", "signatures (plaintext)",
                              "signatures + curve *"};
  std::array<std::vector<double>, configurations.size()> rates;
  for (int round = 0; round < sizes.security_rounds; ++round) {
    for (std::size_t i = 0; i < configurations.size(); ++i) {
      rates[i].push_back(bus_throughput(true, sizes.messages_large, body, configurations[i]));
    }
  }
  std::printf("\nsecurity on tcp loopback, %zu B bodies (baseline: signatures off, plaintext; median of %d rounds)\n",
              body, sizes.security_rounds);
  std::printf("%-22s | %12s %6s %15s | %10s %10s\n", "security", "msgs/s", "ratio", "round ratios", "p50 us", "p99 us");
  const auto median = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  const double baseline_rate = median(rates[0]);
  for (std::size_t i = 0; i < configurations.size(); ++i) {
    double low = 1e300;
    double high = 0;
    for (std::size_t round = 0; round < rates[i].size(); ++round) {
      const double ratio = rates[i][round] / rates[0][round];
      low = std::min(low, ratio);
      high = std::max(high, ratio);
    }
    const latency measured = bus_latency(true, sizes, body, configurations[i]);
    std::printf("%-22s | %12.0f %5.2fx %6.2f-%5.2fx | %10.1f %10.1f\n", labels[i], median(rates[i]),
                median(rates[i]) / baseline_rate, low, high, measured.p50_us, measured.p99_us);
    std::fflush(stdout);
  }
  std::printf("* over curve an envelope carries its signer's link binding, not a per-envelope signature\n");
  std::printf("target: signatures + curve throughput >= 0.50x of plain\n");
  return 0;
}
