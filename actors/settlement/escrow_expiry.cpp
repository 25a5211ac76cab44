#include "actors/settlement/escrow_expiry.hpp"

namespace infergrid {

std::int64_t escrow_expiry_of(const escrow_expiry_settings& settings, std::int64_t deadline_unix_ms) {
  return deadline_unix_ms > 0 ? deadline_unix_ms + settings.grace_ms : 0;
}

std::vector<std::string> escrow_clock::expired(const ledger::ledger_state& state, std::int64_t now_unix_ms) {
  std::vector<std::string> out;
  if (started_unix_ms_ == 0) started_unix_ms_ = now_unix_ms;
  const std::int64_t not_before = started_unix_ms_ + settings_.restart_grace_ms;
  const auto& open = state.open_escrows();
  std::erase_if(first_seen_unix_ms_, [&open](const auto& seen) { return !open.contains(seen.first); });
  for (const auto& [request_id, e] : open) {
    std::int64_t expires = e.expires_at_unix_ms;
    if (expires == 0) {
      const auto seen = first_seen_unix_ms_.try_emplace(request_id, now_unix_ms).first->second;
      expires = seen + settings_.default_timeout_ms + settings_.grace_ms;
    }
    if (expires > now_unix_ms || not_before > now_unix_ms || refunding_.contains(request_id)) continue;
    refunding_.insert(request_id);
    out.push_back(request_id);
  }
  return out;
}

}  // namespace infergrid
