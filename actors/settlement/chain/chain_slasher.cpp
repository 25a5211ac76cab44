#include "actors/settlement/chain/chain_slasher.hpp"

#include <algorithm>

#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/retry_backoff.hpp"
#include "actors/settlement/chain/vault_calls.hpp"
#include "runtime/log.hpp"

namespace infergrid::chain {

chain_slasher::chain_slasher(chain_slasher_config config, chain_key sender)
    : config_(std::move(config)), sender_(std::move(sender)) {
  thread_ = std::thread([this] { run(); });
}

chain_slasher::~chain_slasher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

bool chain_slasher::submit(const slash_submission& slash) {
  {
    std::lock_guard lock(mutex_);
    const bool queued = std::any_of(queue_.begin(), queue_.end(),
                                    [&](const slash_submission& s) { return s.evidence_hash == slash.evidence_hash; });
    if (queued) return true;
    if (queue_.size() >= config_.queued_max) return false;
    queue_.push_back(slash);
  }
  changed_.notify_all();
  return true;
}

bool chain_slasher::sleep_for(std::uint64_t ms) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  return !stopping_;
}

status chain_slasher::slash_once(chain_client& client, const slash_submission& slash) {
  if (config_.rules) IG_TRY(config_.rules->check(client));
  auto done = read_u64(client, config_.vault, vault_call::convicted(slash.evidence_hash));
  if (!done.ok()) return done.err();
  if (*done != 0) {
    log(log_level::info, config_.log_source, "evidence {} is slashed on the vault already", to_hex_0x(slash.evidence_hash));
    return {};
  }
  auto receipt = client.send(sender_, config_.vault, vault_call::slash(slash.miner, slash.evidence_hash, slash.signatures_rsv));
  if (!receipt.ok()) return receipt.err();
  ++sent_;
  last_gas_.store(receipt->gas_used);
  log(log_level::info, config_.log_source, "sent the slash of {} on evidence {} with {} signatures: transaction {}, {} gas",
      to_hex_0x(slash.miner), to_hex_0x(slash.evidence_hash), slash.signatures_rsv.size(),
      to_hex_0x(receipt->transaction_hash), receipt->gas_used);
  return {};
}

void chain_slasher::run() {
  chain_client client(config_.endpoint, background_client_config());
  retry_backoff backoff({config_.retry_min_ms, config_.retry_max_ms, config_.log_source, "slashing"});
  while (true) {
    slash_submission slash;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      slash = queue_.front();
    }
    const status done = slash_once(client, slash);
    {
      std::lock_guard lock(mutex_);
      if (!queue_.empty() && queue_.front() == slash) queue_.pop_front();
      if (!done.ok()) queue_.push_back(slash);  // behind the others: one failing slash holds up none
    }
    if (!done.ok()) {
      ++failures_;
      if (!sleep_for(backoff.failed("slashing miner " + to_hex_0x(slash.miner), done.err().message).delay_ms)) return;
      continue;
    }
    backoff.succeeded();
  }
}

}  // namespace infergrid::chain
