#include "actors/settlement/chain/epoch_anchorer.hpp"

#include <algorithm>

#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/contract_views.hpp"
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
  std::uint64_t delay_ms = config_.retry_min_ms;
  std::string last_failure;
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
      if (done.err().message != last_failure) {
        last_failure = done.err().message;
        log(log_level::warn, config_.log_source, "anchoring epoch {} failed, retrying with backoff up to {} ms: {}",
            anchor.epoch, config_.retry_max_ms, last_failure);
      }
      if (!sleep_for(delay_ms)) return;
      delay_ms = std::min(delay_ms * 2, config_.retry_max_ms);
      continue;
    }
    if (!last_failure.empty()) log(log_level::info, config_.log_source, "anchoring works again");
    last_failure.clear();
    delay_ms = config_.retry_min_ms;
    std::lock_guard lock(mutex_);
    if (pending_ && pending_->epoch == anchor.epoch) pending_.reset();
  }
}

}  // namespace infergrid::chain
