#include "runtime/zap_handler.hpp"

#include <array>
#include <chrono>
#include <cstring>
#include <vector>


namespace infergrid {
namespace {

constexpr const char* zap_endpoint = "inproc://zeromq.zap.01";
constexpr const char* monitor_endpoint = "inproc://infergrid.transport-monitor";
// How often the loop looks at its stop flag when nothing arrives.
constexpr long stop_poll_ms = 50;
// Frames of a ZAP request: version, request id, domain, address, routing id, mechanism, credentials.
constexpr std::size_t zap_request_frames = 7;
constexpr std::size_t max_zap_frames = 16;

std::string describe_failure(std::uint16_t event, std::uint32_t value) {
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) return "the peer hung up during the handshake (a plaintext client, or one expecting another server key?)";
  switch (value) {
    case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH: return "security mechanism mismatch (a plaintext peer on a curve port?)";
    case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: return "cryptographic error (the peer used a wrong server key?)";
    default: return "protocol error 0x" + fmt::format("{:x}", value);
  }
}

}  // namespace

result<std::unique_ptr<zap_handler>> zap_handler::start(zmq::context_t& context, std::string node_name,
                                                        transport_admission admission, zmq::socket_t& server) {
  try {
    zmq::socket_t requests(context, zmq::socket_type::rep);
    requests.set(zmq::sockopt::linger, 0);
    requests.bind(zap_endpoint);
    const int watched = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
    if (zmq_socket_monitor(server.handle(), monitor_endpoint, watched) != 0) throw zmq::error_t();
    zmq::socket_t events(context, zmq::socket_type::pair);
    events.set(zmq::sockopt::linger, 0);
    events.connect(monitor_endpoint);
    std::unique_ptr<zap_handler> self(
        new zap_handler(std::move(node_name), std::move(admission), std::move(requests), std::move(events)));
    self->thread_ = std::thread([raw = self.get()] { raw->run(); });
    return self;
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, std::string("cannot start the ZAP handler: ") + e.what());
  }
}

zap_handler::zap_handler(std::string node_name, transport_admission admission, zmq::socket_t requests,
                         zmq::socket_t events)
    : node_name_(std::move(node_name)),
      admission_(std::move(admission)),
      requests_(std::move(requests)),
      events_(std::move(events)) {}

zap_handler::~zap_handler() { stop(); }

void zap_handler::stop() {
  stop_requested_.store(true);
  if (thread_.joinable()) thread_.join();
}

void zap_handler::run() {
  while (!stop_requested_.load(std::memory_order_relaxed)) {
    try {
      std::array<zmq::pollitem_t, 2> items{{{requests_.handle(), 0, ZMQ_POLLIN, 0}, {events_.handle(), 0, ZMQ_POLLIN, 0}}};
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(stop_poll_ms));
      if ((items[0].revents & ZMQ_POLLIN) != 0) answer_request();
      if ((items[1].revents & ZMQ_POLLIN) != 0) note_event();
    } catch (const zmq::error_t& e) {
      counters_.errors.fetch_add(1, std::memory_order_relaxed);
      log(log_level::warn, node_name_, "transport: ZAP handler: {}", e.what());
    }
  }
  requests_.close();
  events_.close();
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

void zap_handler::note_event() {
  zmq::message_t header;
  zmq::message_t address;
  if (!events_.recv(header, zmq::recv_flags::none)) return;
  if (header.more()) (void)events_.recv(address, zmq::recv_flags::none);
  if (header.size() < 6) return;
  std::uint16_t event = 0;
  std::uint32_t value = 0;
  std::memcpy(&event, header.data(), sizeof event);
  std::memcpy(&value, static_cast<const char*>(header.data()) + sizeof event, sizeof value);
  counters_.dropped_malformed.fetch_add(1, std::memory_order_relaxed);
  log_refusal("handshake failed on " + std::string(address.to_string_view()) + ": " + describe_failure(event, value));
}

void zap_handler::log_refusal(const std::string& text) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  if (refusal_logs_.take(now_ms)) log(log_level::warn, node_name_, "transport: {}", text);
}

}  // namespace infergrid
