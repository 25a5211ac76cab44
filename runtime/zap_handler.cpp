#include "runtime/zap_handler.hpp"

#include <array>
#include <chrono>
#include <cstring>
#include <vector>


namespace infergrid {
namespace {

constexpr const char* zap_endpoint = "inproc://zeromq.zap.01";
// How often the loop looks at its stop flag when nothing arrives.
constexpr long stop_poll_ms = 50;
// Frames of a ZAP request: version, request id, domain, address, routing id, mechanism, credentials.
constexpr std::size_t zap_request_frames = 7;
constexpr std::size_t max_zap_frames = 16;

}  // namespace

result<std::unique_ptr<zap_handler>> zap_handler::start(zmq::context_t& context, std::string node_name,
                                                        transport_admission admission) {
  try {
    zmq::socket_t requests(context, zmq::socket_type::rep);
    requests.set(zmq::sockopt::linger, 0);
    requests.bind(zap_endpoint);
    std::unique_ptr<zap_handler> self(
        new zap_handler(std::move(node_name), std::move(admission), std::move(requests)));
    self->thread_ = std::thread([raw = self.get()] { raw->run(); });
    return self;
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, std::string("cannot start the ZAP handler: ") + e.what());
  }
}

zap_handler::zap_handler(std::string node_name, transport_admission admission, zmq::socket_t requests)
    : node_name_(std::move(node_name)), admission_(std::move(admission)), requests_(std::move(requests)) {}

zap_handler::~zap_handler() { stop(); }

void zap_handler::stop() {
  stop_requested_.store(true);
  if (thread_.joinable()) thread_.join();
}

void zap_handler::run() {
  while (!stop_requested_.load(std::memory_order_relaxed)) {
    try {
      zmq::pollitem_t item{requests_.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, std::chrono::milliseconds(stop_poll_ms));
      if ((item.revents & ZMQ_POLLIN) != 0) answer_request();
    } catch (const zmq::error_t& e) {
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      log(log_level::warn, node_name_, "transport: ZAP handler: {}", e.what());
    }
  }
  requests_.close();
}

void zap_handler::answer_request() {
  std::vector<zmq::message_t> frames;
  for (bool more = true; more;) {
    zmq::message_t frame;
    if (!requests_.recv(frame, zmq::recv_flags::none)) return;
    more = frame.more();
    if (frames.size() < max_zap_frames) frames.push_back(std::move(frame));
  }
  // A REP socket must answer every request, even one it cannot read (libzmq writes them, so this is a bug guard).
  const bool well_formed = frames.size() == zap_request_frames && frames[0].to_string_view() == "1.0" &&
                           frames[5].to_string_view() == "CURVE" && frames[6].size() == 32;
  std::string client_z85;
  if (well_formed) {
    std::array<char, curve_key_z85_chars + 1> text{};
    if (zmq_z85_encode(text.data(), static_cast<const std::uint8_t*>(frames[6].data()), 32) != nullptr) client_z85 = text.data();
  }
  const std::string peer = frames.size() > 3 ? std::string(frames[3].to_string_view()) : std::string("?");
  std::string refusal;
  if (client_z85.empty()) {
    refusal = "malformed ZAP request";
  } else if (!admission_.admit_any && admission_.keys.count(client_z85) == 0) {
    refusal = "transport key " + client_z85 + " is not in the allowlist (security.transport_members, peers[].transport_key)";
  }
  const std::string request_id = frames.size() > 1 ? std::string(frames[1].to_string_view()) : std::string();
  const bool admitted = refusal.empty();
  requests_.send(zmq::str_buffer("1.0"), zmq::send_flags::sndmore);
  requests_.send(zmq::buffer(request_id), zmq::send_flags::sndmore);
  requests_.send(admitted ? zmq::str_buffer("200") : zmq::str_buffer("400"), zmq::send_flags::sndmore);
  requests_.send(admitted ? zmq::str_buffer("OK") : zmq::str_buffer("not admitted"), zmq::send_flags::sndmore);
  requests_.send(zmq::buffer(client_z85), zmq::send_flags::sndmore);  // User-Id: the client's public key
  requests_.send(zmq::message_t(), zmq::send_flags::none);
  if (admitted) {
    counters_.received.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  counters_.refused.fetch_add(1, std::memory_order_relaxed);
  log_refusal("refused a CURVE handshake from " + peer + ": " + refusal);
}

void zap_handler::log_refusal(const std::string& text) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  if (refusal_logs_.take(now_ms)) log(log_level::warn, node_name_, "transport: {}", text);
}

}  // namespace infergrid
