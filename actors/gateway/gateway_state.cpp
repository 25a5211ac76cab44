#include "actors/gateway/gateway_state.hpp"

#include <array>
#include <stdexcept>

#include "actors/gateway/client/client_wire.hpp"
#include "runtime/settings.hpp"
#include "messages/match.hpp"
#include "runtime/actor_kind_registry.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/log.hpp"
#include "runtime/tcp_endpoint.hpp"
#include "runtime/socket_ipv6.hpp"

namespace infergrid::gateway {
namespace {

// Frames of one client message worth keeping: routing id, delimiter, envelope (one spare).
constexpr std::size_t max_client_frames = 4;
// How long a client's supply_request waits for the matchmaker.
constexpr std::int64_t supply_timeout_ms = 2000;
// How often open requests are checked against their deadlines (only while some are open).
constexpr std::int64_t deadline_check_ms = 100;

}  // namespace

result<gateway_config> read_gateway_config(const settings& config) {
  IG_TRY(config.reject_unknown_keys({"bind", "matchmaker", "default_deadline_ms", "max_in_flight",
                                     "max_receive_batch", "max_message_bytes", "max_tokens", "max_prompt_bytes",
                                     "transport_key"}));
  gateway_config out;
  IG_TRY(read_setting(config, "bind", out.bind));
  // A tcp:// bind is checked here, so a typo names its file and line at load (ZeroMQ would refuse it
  // only at bind, or take a port past 65535 and bind a wrapped one); ipc:// and inproc:// binds (one
  // host) are ZeroMQ's to check.
  const bool local_transport = out.bind.starts_with("ipc://") || out.bind.starts_with("inproc://");
  if (status checked = local_transport ? status{} : check_tcp_endpoint(out.bind, endpoint_use::bind); !checked.ok()) {
    IG_TRY(config.report(make_error(error_code::invalid_argument, config.where("bind") + ": " + checked.err().message)));
  }
  IG_TRY(read_setting(config, "matchmaker", out.matchmaker));
  IG_TRY(read_setting(config, "default_deadline_ms", out.default_deadline_ms));
  IG_TRY(read_setting(config, "max_in_flight", out.max_in_flight));
  IG_TRY(read_setting(config, "max_receive_batch", out.max_receive_batch));
  IG_TRY(read_setting(config, "max_message_bytes", out.max_message_bytes));
  IG_TRY(read_setting(config, "max_tokens", out.limits.max_tokens));
  IG_TRY(read_setting(config, "max_prompt_bytes", out.limits.max_prompt_bytes));
  IG_TRY(read_setting(config, "transport_key", out.transport_key));
  return out;
}


result<std::unique_ptr<gateway_state>> gateway_state::create(actor_context& ctx, const settings& settings) {
  auto config = read_gateway_config(settings);
  if (!config.ok()) return config.err();
  std::optional<curve_keypair> curve;
  if (!config->transport_key.empty()) {
    auto keys = load_curve_secret(config->transport_key);
    if (!keys.ok()) return make_error(keys.err().code, settings.where("transport_key") + ": " + keys.err().message);
    curve = *keys;
  }
  try {
    zmq::context_t context(1);
    zmq::socket_t socket(context, zmq::socket_type::router);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::maxmsgsize, config->max_message_bytes);
    socket.set(zmq::sockopt::router_mandatory, false);
    if (curve) make_curve_server(socket, *curve);  // no ZAP handler in this context: any client key
    allow_ipv6_endpoint(socket, config->bind);
    socket.bind(config->bind);
    log(log_level::info, ctx.address(), "client socket transport: {}", curve ? "curve (transport key " + curve->public_z85 + ")" : "PLAINTEXT");
    return std::make_unique<gateway_state>(ctx, std::move(*config), std::move(context), std::move(socket));
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, "gateway: cannot bind " + config->bind + ": " + e.what());
  }
}

gateway_state::gateway_state(actor_context& ctx, gateway_config config, zmq::context_t context, zmq::socket_t socket)
    : ctx_(ctx), config_(std::move(config)), context_(std::move(context)), socket_(std::move(socket)) {
  endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
}

void gateway_state::on_start() {
  log(log_level::info, ctx_.address(), "clients connect to {}", endpoint_);
  if (ctx_.watch(socket_, [this] { poll_clients(); }) == 0) {
    throw std::runtime_error("gateway: cannot watch its client socket (limits.max_watches)");
  }
}

void gateway_state::poll_clients() {
  for (std::uint32_t i = 0; i < config_.max_receive_batch; ++i) {
    std::vector<zmq::message_t> frames;
    std::size_t parts = 0;
    zmq::message_t frame;
    // One client message: routing id, then the frames the client sent. ZeroMQ delivers all parts
    // of a message at once, so this ends with its last part; only the first few are kept.
    while (true) {
      auto got = socket_.recv(frame, zmq::recv_flags::dontwait);
      if (!got) break;
      ++parts;
      const bool more = frame.more();
      if (frames.size() < max_client_frames) frames.push_back(std::move(frame));
      if (!more) break;
    }
    if (frames.empty()) return;
    const std::string identity = frames.front().to_string();
    if (parts != 3 || frames[1].size() != 0) {
      answer_error(identity, 0, make_error(error_code::malformed_input,
                                           "expected [empty delimiter][envelope]; use a REQ socket or send the "
                                           "empty delimiter frame from a DEALER"));
      continue;
    }
    on_client_message(identity, frames[2]);
  }
}

void gateway_state::on_client_message(const std::string& identity, const zmq::message_t& body) {
  auto decoded = decode_envelope({static_cast<const std::uint8_t*>(body.data()), body.size()},
                                 codec_limits{static_cast<std::size_t>(config_.max_message_bytes)});
  if (!decoded.ok()) return answer_error(identity, 0, decoded.err());
  const envelope& in = *decoded;
  if (in.type == message_type::cancel_inference) {
    auto cancel = decode_body<cancel_inference>(in.body);
    if (!cancel.ok()) return answer_error(identity, in.message_id, cancel.err());
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      if (it->second.identity == identity && it->second.client_request_id == cancel->request_id) {
        (void)ctx_.send(config_.matchmaker, cancel_inference{it->first});
        answer_error(it->second.identity, it->second.message_id, make_error(error_code::cancelled, "cancelled by the client"));
        open_.erase(it);
        break;
      }
    }
    return;
  }
  if (in.type == message_type::supply_request) {
    auto ask = decode_body<supply_request>(in.body);
    if (!ask.ok()) return answer_error(identity, in.message_id, ask.err());
    const std::uint64_t correlation = in.message_id;
    ctx_.request<supply_report>(config_.matchmaker, *ask, supply_timeout_ms,
                                [this, identity, correlation](result<supply_report> report) {
                                  if (!report.ok()) return answer_error(identity, correlation, report.err());
                                  send_to_client(identity, encode_client_message(*report, next_message_id_++, correlation,
                                                                                 ctx_.address()));
                                });
    return;
  }
  if (in.type != message_type::inference_request) {
    return answer_error(identity, in.message_id,
                        make_error(error_code::unsupported, "the gateway takes inference_request, cancel_inference and supply_request, not "
                                                                "message type " + std::to_string(static_cast<int>(in.type))));
  }
  accept(identity, in);
}

void gateway_state::accept(const std::string& identity, const envelope& in) {
  auto request = decode_body<inference_request>(in.body);
  if (!request.ok()) return answer_error(identity, in.message_id, request.err());
  if (auto valid = validate_request(*request, config_.limits); !valid.ok()) {
    return answer_error(identity, in.message_id, valid.err());
  }
  if (open_.size() >= config_.max_in_flight) {
    return answer_error(identity, in.message_id, make_error(error_code::unavailable, "the gateway has too many open requests"));
  }
  const std::int64_t now_ms = ctx_.now_ms();
  if (request->deadline_ms == 0) request->deadline_ms = now_ms + config_.default_deadline_ms;
  if (request->deadline_ms <= now_ms) {
    return answer_error(identity, in.message_id, make_error(error_code::timeout, "deadline_ms is in the past"));
  }
  // Unguessable (128 random bits): nobody else can name this request on the bus.
  const std::string grid_id = ctx_.address() + "#" + random_hex(16);
  open_request& open = open_[grid_id];
  open.identity = identity;
  open.message_id = in.message_id;
  open.client_request_id = request->request_id;
  open.stream = request->stream;
  open.deadline_ms = request->deadline_ms;
  open.result.request_id = request->request_id;
  open.result.grid_request_id = grid_id;
  request->request_id = grid_id;
  request->reply_to = ctx_.address();
  arm_expiry();
  if (auto sent = ctx_.send(config_.matchmaker, *request); !sent.ok()) {
    answer_error(identity, in.message_id, make_error(error_code::unavailable, "matchmaker unreachable: " + sent.err().message));
    open_.erase(grid_id);
  }
}

void gateway_state::send_to_client(const std::string& identity, const std::vector<std::uint8_t>& bytes) {
  try {
    (void)socket_.send(zmq::buffer(identity), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    (void)socket_.send(zmq::message_t(), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    (void)socket_.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    ctx_.note_error(make_error(error_code::io_error, std::string("gateway: send to client failed: ") + e.what()));
  }
}

void gateway_state::answer_error(const std::string& identity, std::uint64_t correlation_id, const error& why) {
  const error_reply reply{static_cast<std::uint16_t>(why.code), why.message};
  send_to_client(identity, encode_client_message(reply, next_message_id_++, correlation_id, ctx_.address()));
}

void gateway_state::on_chunk(const token_chunk& chunk) {
  auto found = open_.find(chunk.request_id);
  if (found == open_.end()) return;
  open_request& open = found->second;
  completion_result& result = open.result;
  append_chunk(result, chunk);
  const bool last = !chunk.finish_reason.empty();
  if (open.stream) {
    token_chunk out = chunk;
    out.request_id = open.client_request_id;
    send_to_client(open.identity, encode_client_message(out, next_message_id_++, open.message_id, ctx_.address()));
  }
  if (!last) return;
  result.finish_reason = chunk.finish_reason;
  result.embedding = chunk.embedding;
  if (!open.stream) send_to_client(open.identity, encode_client_message(result, next_message_id_++, open.message_id, ctx_.address()));
  open_.erase(found);
}

void gateway_state::on_failed(const inference_failed& failure) {
  auto found = open_.find(failure.request_id);
  if (found == open_.end()) return;
  answer_error(found->second.identity, found->second.message_id,
               make_error(static_cast<error_code>(failure.code), failure.message));
  open_.erase(found);
}

void gateway_state::arm_expiry() {
  if (expiry_armed_) return;
  expiry_armed_ = ctx_.after(deadline_check_ms, [this] {
    expiry_armed_ = false;
    expire();
    if (!open_.empty()) arm_expiry();
  }) != 0;
}

void gateway_state::expire() {
  const std::int64_t now_ms = ctx_.now_ms();
  for (auto it = open_.begin(); it != open_.end();) {
    if (now_ms <= it->second.deadline_ms) {
      ++it;
      continue;
    }
    (void)ctx_.send(config_.matchmaker, cancel_inference{it->first});
    answer_error(it->second.identity, it->second.message_id, make_error(error_code::timeout, "no answer before the deadline"));
    it = open_.erase(it);
  }
}

handler_table gateway_state::handlers() {
  return {
      on<token_chunk>([this](const token_chunk& chunk) { on_chunk(chunk); }),
      on<inference_failed>([this](const inference_failed& failure) { on_failed(failure); }),
  };
}

IG_REGISTER_ACTOR_KIND("gateway", gateway_state);

}  // namespace infergrid::gateway
