#include "runtime/node.hpp"

#include "messages/codec.hpp"
#include "runtime/actor_settings_check.hpp"
#include "runtime/connection_timers.hpp"
#include "runtime/link_binding.hpp"
#include "runtime/log.hpp"
#include "runtime/tcp_endpoint.hpp"
#include "runtime/tcp_port_monitor.hpp"

namespace infergrid {

node::node(node_config config)
    : config_(std::move(config)),
      context_(1),
      names_(config_.name, {config_.limits.learned_peer_idle_ms, static_cast<std::size_t>(config_.limits.max_learned_peers)}) {}

result<std::unique_ptr<node>> node::create(node_config config) {
  if (!valid_name(config.name)) return make_error(error_code::invalid_argument, "invalid node name '" + config.name + "'");
  std::unique_ptr<node> self(new node(std::move(config)));
  auto& cfg = self->config_;
  auto key = cfg.security.identity_path.empty() ? result<identity>(identity::generate())
                                                : identity::load(cfg.security.identity_path);
  if (!key.ok()) return key.err();
  self->signer_ = std::make_unique<identity>(*key);
  self->trust_ = std::make_unique<peer_trust>(cfg.security, cfg.peers);
  auto transport = resolve_transport(cfg);
  if (!transport.ok()) return transport.err();
  self->transport_ = std::move(*transport);
  const transport_credentials& credentials = self->transport_.credentials;
  if (credentials.curve()) self->link_binding_ = sign_link_binding(*self->signer_, credentials.own.public_z85);
  std::string reply_endpoint = cfg.advertise;
  if (!cfg.bind.empty()) {
    self->ingress_ = std::make_unique<ingress>(self->context_, self->names_, cfg.limits, cfg.security, *self->trust_,
                                               credentials, *self->signer_, self->link_binding_);
    if (credentials.curve()) {
      auto zap = zap_handler::start(self->context_, cfg.name, self->transport_.admission);
      if (!zap.ok()) return zap.err();
      self->zap_ = std::move(*zap);
    }
    try {
      set_connection_timers(self->ingress_->server_socket(), cfg.security);
    } catch (const zmq::error_t& e) {
      return make_error(error_code::invalid_argument, std::string("security: cannot set the tcp port's timers: ") + e.what());
    }
    auto bound = self->ingress_->bind(cfg.bind);
    if (!bound.ok()) return bound.err();
    std::vector<ip_prefix> exempt;
    for (const auto& range : cfg.security.connection_cap_exempt) {
      auto parsed = ip_prefix::parse(range);
      if (!parsed.ok()) return make_error(error_code::invalid_argument, "security.connection_cap_exempt: " + parsed.err().message);
      exempt.push_back(*parsed);
    }
    auto monitor = tcp_port_monitor::start(
        self->context_, cfg.name,
        tcp_port_options{*bound, credentials.curve(), cfg.security.max_connections_per_ip, exempt,
                         cfg.security.max_connections, cfg.security.max_pending_handshakes_per_ip,
                         cfg.security.max_unread_bytes_per_ip, cfg.security.heartbeat_ms},
        self->ingress_->server_socket(), self->ingress_->whole_frames());
    if (!monitor.ok()) return monitor.err();
    self->port_monitor_ = std::move(*monitor);
    if (reply_endpoint.empty()) {
      // A wildcard bind is reachable on loopback; set `advertise` for other hosts.
      auto local = local_endpoint_of_bind(*bound);
      if (!local.ok()) return local.err();
      reply_endpoint = *local;
    }
  }
  for (std::size_t i = 0; i < cfg.peers.size(); ++i) {
    const auto& peer = cfg.peers[i];
    self->names_.add_peer(peer.name, peer.endpoint, {peer.actors.begin(), peer.actors.end()}, self->transport_.peer_keys[i]);
  }
  node* raw = self.get();
  self->services_.reset(new node_services{self->context_, self->names_, cfg.limits, reply_endpoint,
                                          [raw] { return raw->metrics(); }, std::chrono::steady_clock::now(),
                                          *self->signer_, *self->trust_, cfg.security.require_signatures,
                                          credentials, &self->system_time_});
  self->calls_ = std::make_unique<call_inboxes>(self->context_, self->names_, cfg.name, reply_endpoint, self->config_.limits,
                                                self->transport_.credentials);
  if (self->ingress_) {
    self->ingress_->start(reply_endpoint);
    log(log_level::info, cfg.name, "listening on {} (key {}, signatures {}, admission {})", reply_endpoint,
        to_hex(self->signer_->public_id()), cfg.security.require_signatures ? "required" : "OFF",
        cfg.security.open_admission ? "open" : "allowlist");
    if (credentials.curve()) {
      log(log_level::info, cfg.name, "transport: curve (CurveZMQ on every tcp socket; transport key {}, ZAP admits {})",
          credentials.own.public_z85,
          cfg.security.open_admission ? "any key" : std::to_string(self->transport_.admission.keys.size()) + " keys");
    } else {
      log(log_level::info, cfg.name, "transport: PLAINTEXT (security.transport: plaintext): tcp traffic is not encrypted "
          "and anyone who reaches {} can connect", reply_endpoint);
    }
    if (cfg.security.identity_path.empty() && cfg.security.require_signatures) {
      log(log_level::info, cfg.name,
          "this key is new for this run (no security.identity): peers that pinned an earlier one refuse this node "
          "until their pin idles out; give it a key file (`infergrid keygen`) to keep its identity across restarts");
    }
  }
  return self;
}

node::~node() { stop(); }

status node::start() {
  IG_TRY(check_actor_settings(config_));  // all of them, before the first starts
  for (const auto& actor : config_.actors) {
    const actor_factory make = find_actor_kind(actor.kind);
    if (make == nullptr) return make_error(error_code::not_found, "unknown actor kind '" + actor.kind + "'");
    auto settings_copy = actor.config;
    IG_TRY(spawn(actor.name, actor.kind,
                 [make, settings_copy](actor_context& ctx) { return make(ctx, settings_copy); }));
  }
  return {};
}

void node::use_clock(const clock& time) { services_->time = &time; }

status node::spawn(const std::string& name, const std::string& kind, state_factory factory) {
  if (!valid_name(name)) return make_error(error_code::invalid_argument, "invalid actor name '" + name + "'");
  {
    std::lock_guard lock(actors_mutex_);
    if (stopped_) return make_error(error_code::unavailable, "node " + config_.name + " is stopping");
    bool taken = starting_.count(name) != 0;
    for (const auto& existing : actors_) taken = taken || existing->name() == name;
    if (taken) return make_error(error_code::conflict, "actor '" + name + "' already exists");
    starting_.insert(name);
  }
  // Started without the lock: the state's constructor or on_start may read node metrics.
  auto runner = std::make_unique<actor_runner>(*services_, name, kind, std::move(factory));
  auto started = runner->start();
  std::lock_guard lock(actors_mutex_);
  starting_.erase(name);
  if (!started.ok()) return started.err();
  log(log_level::info, config_.name, "started actor {} ({})", runner->address(), kind);
  actors_.push_back(std::move(runner));
  return {};
}

void node::stop() {
  {
    std::lock_guard lock(actors_mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  // Drain the actors concurrently (messages between them keep flowing) and join them; the kinds
  // registered to stop last (the settlement actor) only then, so they record the others' last words.
  for (const stop_phase phase : {stop_phase::with_others, stop_phase::last}) {
    {
      std::lock_guard lock(actors_mutex_);
      for (auto& actor : actors_) {
        if (actor_kind_stop_phase(actor->kind()) == phase) actor->request_stop();
      }
    }
    for (auto& actor : actors_) {
      if (actor_kind_stop_phase(actor->kind()) == phase) actor->join();
    }
  }
  if (ingress_) ingress_->stop();
  if (port_monitor_) port_monitor_->stop();
  if (zap_) zap_->stop();
  if (services_) log(log_level::info, config_.name, "stopped");  // not for a node whose create() failed
}

std::vector<actor_metrics> node::metrics() const {
  std::vector<actor_metrics> out;
  std::lock_guard lock(actors_mutex_);
  for (const auto& actor : actors_) out.push_back(actor->metrics());
  if (ingress_) out.push_back(snapshot(ingress_->counters(), config_.name + "/_ingress", "ingress"));
  if (zap_) out.push_back(snapshot(zap_->counters(), config_.name + "/_transport", "transport"));
  if (port_monitor_) out.push_back(snapshot(port_monitor_->counters(), config_.name + "/_tcp", "tcp_port"));
  return out;
}

result<envelope> node::call_raw(std::string_view to, outgoing_message message, std::int64_t timeout_ms) {
  if (timeout_ms <= 0) timeout_ms = config_.limits.default_request_timeout_ms;
  auto borrowed = calls_->borrow();
  if (!borrowed.ok()) return borrowed.err();
  call_inboxes::lease& call = *borrowed;
  const std::string& caller = call->name;
  zmq::socket_t& inbox = call->socket;
  outbox& sender = call->sender;
  try {
    auto where = sender.route_to(to);
    if (!where.ok()) return where.err();
    envelope out;
    out.type = message.type;
    out.message_version = message.version;
    out.message_id = call->next_message_id++;
    out.sender = config_.name + "/" + caller;
    out.recipient = (*where)->address;
    out.sent_at_ms = unix_now_ms();
    out.deadline_ms = out.sent_at_ms + timeout_ms;
    out.body = std::move(message.body);
    if (!(*where)->local && config_.security.require_signatures) sign_outgoing(out, *signer_, link_binding_);
    IG_TRY(sender.deliver(**where, encode_envelope(out)));

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    const codec_limits limits{static_cast<std::size_t>(config_.limits.max_envelope_bytes)};
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return make_error(error_code::timeout, "no reply from " + std::string(to) + " within " + std::to_string(timeout_ms) + " ms");
      zmq::pollitem_t item{inbox.handle(), 0, ZMQ_POLLIN, 0};
      zmq::poll(&item, 1, left);
      zmq::message_t frame;
      if (!inbox.recv(frame, zmq::recv_flags::dontwait)) continue;
      auto reply = decode_envelope({static_cast<const std::uint8_t*>(frame.data()), frame.size()}, limits);
      if (reply.ok() && reply->correlation_id == out.message_id) return reply;
    }
  } catch (const zmq::error_t& e) {
    return make_error(error_code::io_error, std::string("call: ") + e.what());
  }
}

}  // namespace infergrid
