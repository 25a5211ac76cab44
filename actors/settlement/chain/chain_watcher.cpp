#include "actors/settlement/chain/chain_watcher.hpp"

#include <algorithm>

#include "actors/settlement/chain/chain_client.hpp"
#include "runtime/log.hpp"

namespace infergrid::chain {

namespace {

std::string reorganisation_message(const chain_watcher_config& config, const followed_block& followed, const word& now) {
  return "the chain reorganised deeper than chain_confirmations (" + std::to_string(config.confirmations) + "): block " +
         std::to_string(followed.number) + " was " + to_hex_0x(followed.hash) + " when followed and is " + to_hex_0x(now) +
         " now. What was booked from the blocks replaced may be gone from the chain, so following vault " +
         to_hex_0x(config.vault) + " has stopped: reconcile the ledger with the vault (ledger verify, chain status), "
         "then restart with a deeper chain_confirmations";
}

}  // namespace

chain_watcher::chain_watcher(chain_watcher_config config, std::uint64_t next_block, std::optional<followed_block> last_followed,
                             std::function<void()> wake)
    : config_(std::move(config)), wake_(std::move(wake)), next_block_(next_block), last_followed_(last_followed) {
  thread_ = std::thread([this] { run(); });
}

chain_watcher::~chain_watcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::optional<confirmed_logs> chain_watcher::take() {
  std::lock_guard lock(mutex_);
  if (batch_state_ != batch_state::ready) return std::nullopt;
  batch_state_ = batch_state::taken;
  return batch_;
}

void chain_watcher::applied(const followed_block& last) {
  {
    std::lock_guard lock(mutex_);
    if (last.number + 1 > next_block_) {
      next_block_ = last.number + 1;
      last_followed_ = last;
    }
    batch_state_ = batch_state::none;
  }
  changed_.notify_all();
}

std::uint64_t chain_watcher::next_block() const {
  std::lock_guard lock(mutex_);
  return next_block_;
}

std::string chain_watcher::reorganised() const {
  std::lock_guard lock(mutex_);
  return reorganised_;
}

void chain_watcher::retry_later() {
  {
    std::lock_guard lock(mutex_);
    batch_state_ = batch_state::retry;
  }
  changed_.notify_all();
}

bool chain_watcher::sleep_for(std::uint64_t ms) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
  return !stopping_;
}

result<std::optional<confirmed_logs>> chain_watcher::fetch(chain_client& client) {
  if (config_.rules) IG_TRY(config_.rules->check(client));  // once agreed, a lookup
  auto tip = client.head_block();
  if (!tip) return tip.err();
  const std::uint64_t head = tip->first;
  std::uint64_t from = 0;
  std::optional<followed_block> last;
  {
    std::lock_guard lock(mutex_);
    from = next_block_;
    last = last_followed_;
  }
  // An unchanged head hash means an unchanged history: the followed block was checked against it.
  // A node behind the followed block (restarted, syncing) is waited for like one that is down.
  if (last && head < last->number) {
    return make_error(error_code::unavailable, "the node is at block " + std::to_string(head) + ", behind block " +
                                                   std::to_string(last->number) + " already followed (syncing?)");
  }
  if (last && tip->second != checked_tip_) {
    auto now = client.block_hash(last->number);
    if (!now) return now.err();  // not_found too: the node lost its head between the two calls
    if (*now != last->hash) {
      std::lock_guard lock(mutex_);
      reorganised_ = reorganisation_message(config_, *last, *now);
      return make_error(error_code::conflict, reorganised_);
    }
  }
  if (last) checked_tip_ = tip->second;
  if (head < config_.confirmations || head - config_.confirmations < from) return std::optional<confirmed_logs>();
  const std::uint64_t to = std::min(head - config_.confirmations, from + config_.blocks_per_query_max - 1);
  auto before = client.block_hash(to);
  if (!before) return before.err();
  auto logs = client.logs(config_.vault, from, to);
  if (!logs) return logs.err();
  auto after = client.block_hash(to);
  if (!after) return after.err();
  if (*after != *before) return std::optional<confirmed_logs>();  // reorganised while read: read it again
  auto chain_id = client.chain_id();
  if (!chain_id) return chain_id.err();
  confirmed_logs batch{from, to, *after, *chain_id, {}};
  for (chain_log& log : *logs) {
    if (!log.removed) batch.logs.push_back(std::move(log));
  }
  return std::optional<confirmed_logs>(std::move(batch));
}

void chain_watcher::run() {
  chain_client client(config_.endpoint, background_client_config());
  std::uint64_t delay_ms = config_.poll_interval_ms;
  while (true) {
    {
      // One batch at a time: wait while the actor holds one.
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || batch_state_ == batch_state::none || batch_state_ == batch_state::retry; });
      if (stopping_) return;
      if (batch_state_ == batch_state::retry) {
        batch_state_ = batch_state::none;
        lock.unlock();
        if (!sleep_for(config_.poll_interval_ms)) return;
        continue;
      }
    }
    auto fetched = fetch(client);
    if (!fetched && !reorganised().empty()) {  // for good: nothing more is booked from this chain
      reachable_ = true;  // the node answered
      log(log_level::error, config_.log_source, "{}", fetched.err().message);
      return;
    }
    if (!fetched && fetched.err().code == error_code::conflict) {  // the vault's rules are not the ledger's: for good
      if (!refused_vault_) log(log_level::error, config_.log_source, "{}", fetched.err().message);
      refused_vault_ = true;
      if (!sleep_for(config_.retry_max_ms)) return;
      continue;
    }
    if (!fetched) {
      ++failures_;
      if (reachable_.exchange(false)) {
        log(log_level::warn, config_.log_source, "chain node unreachable, retrying with backoff up to {} ms: {}",
            config_.retry_max_ms, fetched.err().message);
      }
      if (!sleep_for(delay_ms)) return;
      delay_ms = std::min(delay_ms * 2, config_.retry_max_ms);
      continue;
    }
    if (!reachable_.exchange(true)) log(log_level::info, config_.log_source, "chain node {} reachable again", config_.endpoint);
    delay_ms = config_.poll_interval_ms;
    if (fetched->has_value() && (*fetched)->logs.empty()) {
      const bool full_range = (*fetched)->to_block - (*fetched)->from_block + 1 == config_.blocks_per_query_max;
      {
        std::lock_guard lock(mutex_);
        next_block_ = (*fetched)->to_block + 1;  // nothing to apply in that range
        last_followed_ = followed_block{(*fetched)->to_block, (*fetched)->to_block_hash};
      }
      if (full_range) continue;  // catching up: read the next range at once
    } else if (fetched->has_value()) {
      {
        std::lock_guard lock(mutex_);
        batch_ = std::move(**fetched);
        batch_state_ = batch_state::ready;
      }
      wake_();
      continue;
    }
    if (!sleep_for(config_.poll_interval_ms)) return;
  }
}

}  // namespace infergrid::chain
