#include "actors/settlement/chain_bridge.hpp"

#include <algorithm>

#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/chain_key_file.hpp"
#include "actors/settlement/chain/vault_deployment_file.hpp"
#include "actors/settlement/chain_anchor.hpp"
#include "actors/settlement/chain_cursor.hpp"
#include "actors/settlement/chain_ledger_operations.hpp"
#include "runtime/log.hpp"

namespace infergrid {

status read_chain_bridge_settings(const settings& config, chain_bridge_settings& out) {
  // chain_deployment: a deployment file (`chain deploy --out`, `up --chain`; chain/vault_deployment_file.hpp)
  // supplies chain_endpoint, chain_vault and chain_start_block; keys set in the settings win over it.
  std::string deployment;
  IG_TRY(read_setting(config, "chain_deployment", deployment));
  if (!deployment.empty()) {
    auto deployed = chain::read_vault_deployment_file(deployment);
    if (!deployed) return make_error(deployed.err().code, config.where("chain_deployment") + ": " + deployed.err().message);
    out.endpoint = deployed->endpoint;
    out.vault = chain::to_hex_0x(deployed->deployment.vault);
    out.start_block = static_cast<std::int64_t>(deployed->deployment.deployed_block);
  }
  IG_TRY(read_setting(config, "chain_endpoint", out.endpoint));
  IG_TRY(read_setting(config, "chain_vault", out.vault));
  IG_TRY(read_setting(config, "chain_confirmations", out.confirmations));
  IG_TRY(read_setting(config, "chain_start_block", out.start_block));
  IG_TRY(read_setting(config, "chain_poll_interval_ms", out.poll_interval_ms));
  IG_TRY(read_setting(config, "chain_retry_max_ms", out.retry_max_ms));
  IG_TRY(read_setting(config, "chain_operator_key", out.operator_key));
  if (out.endpoint.empty()) return {};
  if (out.confirmations < 0 || out.start_block < 0 || out.poll_interval_ms < 1 || out.retry_max_ms < out.poll_interval_ms) {
    return make_error(error_code::invalid_argument, config.where() + ": chain_confirmations and chain_start_block must be "
                                                    ">= 0, chain_poll_interval_ms >= 1 and <= chain_retry_max_ms");
  }
  if (auto vault = chain::address_from_hex(out.vault); !vault) {
    return make_error(error_code::invalid_argument, config.where("chain_vault") + ": " + vault.err().message);
  }
  return {};
}

chain::vault_rules vault_rules_of(const ledger::ledger_config& ledger) {
  const auto unsigned_of = [](std::int64_t value) { return static_cast<std::uint64_t>(std::max<std::int64_t>(value, 0)); };
  return chain::vault_rules{unsigned_of(ledger.conviction_quorum), unsigned_of(ledger.slash_bps),
                            unsigned_of(ledger.slash_reporter_bps), unsigned_of(ledger.miner_stake_min_micro),
                            unsigned_of(ledger.validator_stake_min_micro)};
}

result<std::unique_ptr<chain_bridge>> chain_bridge::create(const chain_bridge_settings& settings,
                                                           const chain::vault_rules& ledger_rules, std::string cursor_path,
                                                           std::string slash_book_path, std::string log_source) {
  auto vault = chain::address_from_hex(settings.vault);
  if (!vault) return vault.err();
  chain::chain_watcher_config config;
  config.endpoint = settings.endpoint;
  config.vault = *vault;
  config.confirmations = static_cast<std::uint64_t>(settings.confirmations);
  config.poll_interval_ms = static_cast<std::uint64_t>(settings.poll_interval_ms);
  config.retry_max_ms = static_cast<std::uint64_t>(settings.retry_max_ms);
  config.log_source = std::move(log_source);
  config.rules = std::make_shared<chain::vault_rules_gate>(*vault, ledger_rules);
  {
    chain::chain_client client(config.endpoint, chain::background_client_config());
    if (auto agreed = config.rules->check(client); !agreed.ok()) {
      if (agreed.err().code == error_code::conflict) return agreed.err();
      log(log_level::warn, config.log_source, "cannot check the vault's rules now ({}): they are checked before anything is "
          "followed, anchored or slashed", agreed.err().message);
    }
  }
  std::optional<chain::chain_key> operator_key;
  if (!settings.operator_key.empty()) {
    auto key = chain::read_chain_key_file(settings.operator_key);
    if (!key) return make_error(key.err().code, "chain_operator_key: " + key.err().message);
    operator_key = std::move(*key);
  }
  chain_cursor cursor = load_chain_cursor(cursor_path, *vault, static_cast<std::uint64_t>(settings.start_block));
  auto book = chain_slash_book::load(std::move(slash_book_path));
  if (!book) return book.err();
  auto convictions = std::make_unique<chain_convictions>(std::move(*book), config.log_source);
  return std::unique_ptr<chain_bridge>(new chain_bridge(std::move(config), std::move(cursor_path), std::move(cursor),
                                                        std::move(operator_key), std::move(convictions)));
}

void chain_bridge::start(actor_waker waker, enqueue_fn enqueue, const ledger::ledger* books) {
  enqueue_ = std::move(enqueue);
  books_ = books;
  log(log_level::info, config_.log_source, "following vault {} on {} from block {} ({} confirmations)",
      chain::to_hex_0x(config_.vault), config_.endpoint, cursor_.next_block, config_.confirmations);
  watcher_ = std::make_unique<chain::chain_watcher>(config_, cursor_.next_block, cursor_.last_followed,
                                                    [waker] { waker.wake(); });
  std::unique_ptr<chain::chain_slasher> slasher;
  if (operator_key_) {
    log(log_level::info, config_.log_source, "anchoring closed epochs as operator {}", chain::to_hex_0x(operator_key_->chain_address()));
    anchorer_ = std::make_unique<chain::epoch_anchorer>(
        chain::epoch_anchorer_config{config_.endpoint, config_.vault, config_.poll_interval_ms, config_.retry_max_ms,
                                     config_.log_source, config_.rules},
        *operator_key_);
    slasher = std::make_unique<chain::chain_slasher>(
        chain::chain_slasher_config{config_.endpoint, config_.vault, config_.poll_interval_ms, config_.retry_max_ms,
                                    chain::chain_slasher_config{}.queued_max, config_.log_source, config_.rules},
        *operator_key_);
  }
  convictions_->start(std::move(slasher), view());
}

result<chain_identity> chain_bridge::identity_of(const std::string& account) const {
  const auto address = cursor_.identities.address_of(account);
  if (!address) {
    return make_error(error_code::not_found, account + " has bound no chain address on vault " + chain::to_hex_0x(config_.vault));
  }
  const chain_identity_binding* bound = cursor_.identities.binding_of(*address);
  return chain_identity{account, chain::to_hex_0x(*address), bound->signature};
}

std::vector<ledger::command> chain_bridge::commands_of(const chain::chain_log& log_entry, const chain::vault_event& event) {
  if (const auto* bound = std::get_if<chain::identity_bound_event>(&event)) {
    if (auto learned = cursor_.identities.learn(*bound, cursor_.chain_id, config_.vault); !learned.ok()) {
      log(log_level::warn, config_.log_source, "identity binding {} does not count: {}", chain_op_id(log_entry),
          learned.err().message);
    } else {
      log(log_level::info, config_.log_source, "{} is node {}", chain::to_hex_0x(bound->account),
          cursor_.identities.ledger_account(bound->account));
    }
    return {};
  }
  if (const auto* slashed = std::get_if<chain::slashed_event>(&event)) {
    return convictions_->slashed_on_chain(log_entry, *slashed, view());
  }
  const account_kind_lookup kind_of = [this](const std::string& account) -> std::optional<ledger::account_kind> {
    if (auto pending = batch_kinds_.find(account); pending != batch_kinds_.end()) return pending->second;
    const ledger::account* booked = books_ != nullptr ? books_->state().find(account) : nullptr;
    if (booked == nullptr) return std::nullopt;
    return booked->kind;
  };
  std::string refusal;
  auto commands = ledger_commands_of(log_entry, event, cursor_.identities, kind_of, &refusal);
  if (!refusal.empty()) {
    ++refused_;
    log(log_level::warn, config_.log_source, "vault log {}: {}", chain_op_id(log_entry), refusal);
  }
  // What this batch's deposits create, so a later log of the same batch sees the kind it will have.
  for (const ledger::command& c : commands) {
    if (const auto* deposit = std::get_if<ledger::deposit_op>(&c.op); deposit && !kind_of(deposit->account)) {
      batch_kinds_.emplace(deposit->account, static_cast<ledger::account_kind>(deposit->kind));
    }
  }
  return commands;
}

void chain_bridge::anchor_last_closed(ledger::ledger& books) {
  if (!anchorer_) return;
  auto anchor = last_closed_epoch_anchor(books, cursor_.identities);
  if (!anchor) {
    log(log_level::warn, config_.log_source, "cannot anchor: {}", anchor.err().message);
    return;
  }
  if (anchor->has_value()) anchorer_->submit(**anchor);
}

void chain_bridge::on_wake() {
  if (!watcher_ || in_flight_.unanswered != 0) return;
  auto batch = watcher_->take();
  if (!batch) return;
  cursor_.chain_id = batch->chain_id;
  batch_kinds_.clear();
  std::vector<ledger::command> commands;
  for (const chain::chain_log& log_entry : batch->logs) {
    auto event = chain::decode_vault_event(log_entry);
    if (!event) {
      if (event.err().code != error_code::not_found) {
        ++refused_;
        log(log_level::warn, config_.log_source, "skipping log {} of the vault: {}", chain_op_id(log_entry), event.err().message);
      }
      continue;
    }
    for (ledger::command& c : commands_of(log_entry, *event)) commands.push_back(std::move(c));
  }
  in_flight_ = batch_in_flight{batch->to_block, batch->to_block_hash, commands.size(), false};
  if (commands.empty()) return finish_batch();
  for (ledger::command& c : commands) {
    const std::string op_id = c.op_id;
    enqueue_(std::move(c), [this, op_id](result<ledger::acknowledgement> ack) {
      answered(op_id, ack);
      if (--in_flight_.unanswered == 0) finish_batch();
    });
  }
}

void chain_bridge::answered(const std::string& op_id, const result<ledger::acknowledgement>& ack) {
  if (ack.ok()) {
    ++(ack->replayed ? replayed_ : applied_);
    return;
  }
  if (ack.err().code == error_code::io_error) {
    in_flight_.retry = true;
    return;
  }
  ++refused_;
  log(log_level::warn, config_.log_source, "ledger refused chain operation {}: {}", op_id, ack.err().message);
}

chain_bridge_view chain_bridge::view_for_metrics() const {
  chain_bridge_view v;
  v.enabled = true;
  v.operations_applied = applied_;
  v.operations_replayed = replayed_;
  v.operations_refused = refused_;
  v.slashes_booked = convictions_->booked();
  v.slashes_unknown = convictions_->unknown();
  if (watcher_) {
    v.node_reachable = watcher_->node_reachable();
    v.next_block = watcher_->next_block();
    v.watcher_failures = watcher_->failures();
    v.reorganised = watcher_->reorganised();
  }
  if (anchorer_) {
    v.anchors_sent = anchorer_->sent();
    v.latest_anchored_epoch = anchorer_->latest_anchored();
    v.anchor_failures = anchorer_->failures();
  }
  if (const chain::chain_slasher* slasher = convictions_->slasher()) {
    v.slashes_sent = slasher->sent();
    v.slash_failures = slasher->failures();
  }
  return v;
}

void chain_bridge::finish_batch() {
  if (in_flight_.retry) {
    log(log_level::warn, config_.log_source, "ledger could not record blocks up to {}; they will be read again",
        in_flight_.to_block);
    watcher_->retry_later();
    return;
  }
  const chain::followed_block last{in_flight_.to_block, in_flight_.to_block_hash};
  cursor_.next_block = last.number + 1;
  cursor_.last_followed = last;
  if (auto saved = save_chain_cursor(cursor_path_, config_.vault, cursor_); !saved) {
    log(log_level::warn, config_.log_source, "{} (the blocks will be reread and replayed after a restart)", saved.err().message);
  }
  watcher_->applied(last);
}

}  // namespace infergrid
