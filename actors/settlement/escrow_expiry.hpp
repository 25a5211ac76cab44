#pragma once
// escrow_expiry: every escrow ends. An escrow is stamped with expires_at_unix_ms = the request's
// deadline (sent by the bridge) + escrow_grace_ms when it is recorded; the settlement actor refunds
// (op id "expire/<request id>", reason "expired") every open escrow past its expiry, checking at
// start and then every reconcile_interval_ms; none sooner than escrow_restart_grace_ms after start. An escrow recorded without an expiry (a sender that gave no
// deadline, or a ledger written before expiries existed) expires escrow_default_timeout_ms +
// escrow_grace_ms after this actor first saw it open. Pure bookkeeping; settlement_actor.cpp sends.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/settlement/ledger/ledger_state.hpp"

namespace infergrid {

struct escrow_expiry_settings {
  std::int64_t grace_ms = 30000;             // past the request's deadline, before a refund
  std::int64_t default_timeout_ms = 120000;  // a request's deadline when its escrow names none
  std::int64_t reconcile_interval_ms = 1000; // how often open escrows are checked
  // After a start, an escrow already past its expiry waits this long more: while this actor was
  // down, the matchmaker and the bridges kept sending the receipts, partial claims and refunds that
  // end escrows (every retry_ms, 2 s by default, each awaited up to their timeouts of 2-5 s), and
  // those must land before an expiry refunds the escrow and a miner goes unpaid for work it did.
  std::int64_t restart_grace_ms = 10000;
};

// The escrow's expiry for a request whose sender gives up at deadline_unix_ms (0 = unknown: none is
// stamped, and expired_escrows() applies the default from when it was first seen).
std::int64_t escrow_expiry_of(const escrow_expiry_settings& settings, std::int64_t deadline_unix_ms);

class escrow_clock {
 public:
  explicit escrow_clock(escrow_expiry_settings settings) : settings_(settings) {}
  // Request ids of open escrows past their expiry at now_unix_ms, not already being refunded.
  std::vector<std::string> expired(const ledger::ledger_state& state, std::int64_t now_unix_ms);
  // The refund of `request_id` was recorded or refused: it may be looked at again.
  void done(const std::string& request_id) { refunding_.erase(request_id); }
  const escrow_expiry_settings& settings() const { return settings_; }

 private:
  escrow_expiry_settings settings_;
  std::map<std::string, std::int64_t, std::less<>> first_seen_unix_ms_;  // escrows without an expiry
  std::set<std::string, std::less<>> refunding_;  // refunds queued, not yet committed
  std::int64_t started_unix_ms_ = 0;  // the first expired() call: the actor's start
};

}  // namespace infergrid
