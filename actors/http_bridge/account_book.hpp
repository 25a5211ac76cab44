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
//   api_keys:                          # keys made by `infergrid keys create`, stored hashed
//     - {id: 3f9a0c1e, account: bob, hash: 9b1d…, created: "…"}   (api_key_list.hpp)
//
// Every key has an id: a made key its own, a plain key of an account "<account>/<n>" (n from 1).
// Usage is counted per account and per key id. replace_keys() swaps in a reloaded file's keys
// while balances, reservations and usage carry on (the file is only their starting point).
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

#include "actors/http_bridge/api_key_list.hpp"
#include "actors/http_bridge/rate_limiter.hpp"
#include "runtime/result.hpp"

namespace infergrid::http {

struct account_usage {
  std::int64_t requests = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t spent_micro = 0;
};

struct key_owner {
  std::string account;
  std::string key_id;
};

struct key_view {
  std::string id;
  std::string account;
  std::string prefix;   // the start of the key: "sk-ig-<id>" or a plain key's first characters
  std::string created;  // "" for a plain key of the file
  std::string revoked;  // "" = live
  account_usage usage;
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

  // The account and key id a key belongs to; nullopt for an unknown or revoked key.
  std::optional<key_owner> owner_of_key(const std::string& key) const;
  std::optional<std::string> account_for_key(const std::string& key) const;
  // A reloaded keys file's keys and accounts; what this book has counted is kept.
  void replace_keys(account_book&& fresh);
  // The account's own rate limit, if the keys file sets one.
  std::optional<rate_limit_settings> rate_limit_for(const std::string& account) const;
  // The ledger payer the account names (`account:`), if any.
  std::optional<std::string> ledger_account_for(const std::string& account) const;
  // Holds `amount_micro` of the account's balance; insufficient_funds when it cannot.
  status reserve(const std::string& account, std::int64_t amount_micro);
  // Releases a reservation and charges `charged_micro` (<= reserved) with the tokens it paid for,
  // counted for the account and the key. `paid_by_ledger`: the ledger's escrow paid the charge (no
  // reservation here), so only the usage is counted.
  void settle(const std::string& account, std::int64_t reserved_micro, std::int64_t charged_micro,
              std::int64_t prompt_tokens, std::int64_t completion_tokens, const std::string& key_id = "",
              bool paid_by_ledger = false);
  std::optional<account_view> view(const std::string& account) const;
  std::vector<account_view> all() const;
  std::vector<key_view> keys() const;  // every key of the file, in its order, with its usage
  std::size_t key_count() const;

 private:
  struct account {
    std::int64_t balance_micro = 0;
    std::int64_t reserved_micro = 0;
    account_usage usage;
    std::optional<rate_limit_settings> rate_limit;
    std::optional<std::string> ledger_account;
  };
  void add_made_keys(const std::vector<api_key_record>& records);

  mutable std::mutex mutex_;
  std::map<std::string, key_owner, std::less<>> owner_by_key_;         // plain keys
  std::map<std::string, key_owner, std::less<>> owner_by_key_hash_;    // live made keys
  std::vector<key_view> key_list_;                                      // usage filled by keys()
  std::map<std::string, account_usage, std::less<>> usage_by_key_id_;
  std::map<std::string, account, std::less<>> accounts_;
};

}  // namespace infergrid::http
