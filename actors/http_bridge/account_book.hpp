#pragma once
// account_book: API keys -> accounts, each account's balance and its metered usage. Loaded from
// the keys file named in the bridge's settings (YAML or JSON, which YAML reads too):
//
//   accounts:
//     - name: alice
//       keys: [sk-alice-1]
//       balance_micro: 5000000        # spendable, in micro-units of the network's currency
//       rate_limit_per_minute: 60     # optional: this account's own token bucket
//       rate_limit_burst: 10          #   (default: the bridge's settings)
//     - name: bob
//       keys: [sk-bob-1]
//       account: bob-ledger-id        # settlement mode: the ledger's payer, escrowed per request
//
// A request first reserves its maximum cost (402 when the balance cannot cover it); when it ends,
// only what was delivered is charged and the rest of the reservation is released. This is the
// seam where the settlement actor's escrow takes over: with the bridge's `settlement` setting, an
// account naming a ledger `account` is not reserved here (see bridge_escrow.hpp).
// Thread-safe (the HTTP threads authenticate, the actor thread settles).
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/http_bridge/rate_limiter.hpp"
#include "runtime/result.hpp"

namespace infergrid::http {

struct account_usage {
  std::int64_t requests = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t spent_micro = 0;
};

struct account_view {
  std::string name;
  std::int64_t balance_micro = 0;   // not counting reservations
  std::int64_t reserved_micro = 0;  // held by requests in flight
  account_usage usage;
};

class account_book {
 public:
  // Accounts with at most this many keys in total are loaded (the file is operator-written).
  static constexpr std::size_t max_keys = 100000;

  static result<account_book> load_file(const std::string& path);
  static result<account_book> parse(const std::string& text, const std::string& source);

  account_book() = default;
  account_book(account_book&& other) noexcept;
  account_book& operator=(account_book&& other) noexcept;

  // The account a key belongs to; nullopt for an unknown key.
  std::optional<std::string> account_for_key(const std::string& key) const;
  // The account's own rate limit, if the keys file sets one.
  std::optional<rate_limit_settings> rate_limit_for(const std::string& account) const;
  // The ledger payer the account names (`account:`), if any.
  std::optional<std::string> ledger_account_for(const std::string& account) const;
  // Holds `amount_micro` of the account's balance; insufficient_funds when it cannot.
  status reserve(const std::string& account, std::int64_t amount_micro);
  // Releases a reservation and charges `charged_micro` (<= reserved) with the tokens it paid for.
  void settle(const std::string& account, std::int64_t reserved_micro, std::int64_t charged_micro,
              std::int64_t prompt_tokens, std::int64_t completion_tokens);
  std::optional<account_view> view(const std::string& account) const;
  std::vector<account_view> all() const;
  std::size_t key_count() const;

 private:
  struct account {
    std::int64_t balance_micro = 0;
    std::int64_t reserved_micro = 0;
    account_usage usage;
    std::optional<rate_limit_settings> rate_limit;
    std::optional<std::string> ledger_account;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> account_by_key_;
  std::map<std::string, account, std::less<>> accounts_;
};

}  // namespace infergrid::http
