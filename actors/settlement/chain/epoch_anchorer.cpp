#include "actors/settlement/chain/epoch_anchorer.hpp"

#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/retry_backoff.hpp"
#include "actors/settlement/chain/vault_calls.hpp"
#include "runtime/log.hpp"

namespace infergrid::chain {

epoch_anchorer::epoch_anchorer(epoch_anchorer_config config, chain_key operator_key)
    : config_(std::move(config)), operator_key_(std::move(operator_key)) {
  thread_ = std::thread([this] { run(); });
}

epoch_anchorer::~epoch_anchorer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void epoch_anchorer::submit(const epoch_anchor& anchor) {
  {
    std::lock_guard lock(mutex_);
    if (pending_ && pending_->epoch >= anchor.epoch) return;
    pending_ = anchor;
  }
  changed_.notify_all();
}

bool epoch_anchorer::sleep_for(std::uint64_t ms) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  return !stopping_;
}

status epoch_anchorer::anchor_once(chain_client& client, const epoch_anchor& anchor) {
  if (config_.rules) IG_TRY(config_.rules->check(client));
  auto latest = read_u64(client, config_.vault, vault_call::latest_epoch());
  if (!latest.ok()) return latest.err();
  latest_.store(*latest);
  if (*latest >= anchor.epoch) {
    log(log_level::info, config_.log_source, "epoch {} is anchored already (the vault's latest epoch is {})", anchor.epoch,
        *latest);
    return {};
  }
  auto receipt = client.send(operator_key_, config_.vault,
                             vault_call::anchor_epoch(anchor.epoch, anchor.ledger_root, anchor.balances_root));
  if (!receipt.ok()) return receipt.err();
  ++sent_;
  latest_.store(anchor.epoch);
  log(log_level::info, config_.log_source, "anchored epoch {} (ledger root {}, balances root {}): transaction {}, {} gas",
      anchor.epoch, to_hex_0x(anchor.ledger_root), to_hex_0x(anchor.balances_root), to_hex_0x(receipt->transaction_hash),
      receipt->gas_used);
  return {};
}

void epoch_anchorer::run() {
  chain_client client(config_.endpoint, background_client_config());
  retry_backoff backoff({config_.retry_min_ms, config_.retry_max_ms, config_.log_source, "anchoring"});
  while (true) {
    epoch_anchor anchor;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) return;
      anchor = *pending_;
    }
    if (auto done = anchor_once(client, anchor); !done.ok()) {
      ++failures_;
      if (!sleep_for(backoff.failed(fmt::format("anchoring epoch {}", anchor.epoch), done.err().message).delay_ms)) return;
      continue;
    }
    backoff.succeeded();
    std::lock_guard lock(mutex_);
    if (pending_ && pending_->epoch == anchor.epoch) pending_.reset();
  }
}

}  // namespace infergrid::chain
