#include "actors/http_bridge/account_book.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "actors/http_bridge/api_key.hpp"
#include "runtime/settings.hpp"
#include "runtime/yaml_duplicate_keys.hpp"

namespace infergrid::http {
namespace {

error bad_file(const std::string& source, const YAML::Node& at, const std::string& what) {
  const int line = at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
  return make_error(error_code::invalid_argument, source + ":" + std::to_string(line) + ": " + what);
}

// A plain key's first characters, shown by `keys list` and the dashboard (the rest stays secret):
// at most plain_prefix_chars, at most half of the key, and none of a key shorter than
// plain_prefix_shown_from_chars (a short key is guessed too easily from any part of it).
constexpr std::size_t plain_prefix_chars = 8;
constexpr std::size_t plain_prefix_shown_from_chars = 12;

std::string plain_key_prefix(const std::string& key) {
  if (key.size() < plain_prefix_shown_from_chars) return "";
  return key.substr(0, std::min(plain_prefix_chars, key.size() / 2));
}

}  // namespace

account_book::account_book(account_book&& other) noexcept { *this = std::move(other); }

account_book& account_book::operator=(account_book&& other) noexcept {
  if (this == &other) return *this;
  std::scoped_lock lock(mutex_, other.mutex_);
  owner_by_key_ = std::move(other.owner_by_key_);
  owner_by_key_hash_ = std::move(other.owner_by_key_hash_);
  key_list_ = std::move(other.key_list_);
  usage_by_key_id_ = std::move(other.usage_by_key_id_);
  accounts_ = std::move(other.accounts_);
  return *this;
}

result<account_book> account_book::load_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return make_error(error_code::not_found, "cannot open the API keys file " + path);
  std::stringstream text;
  text << file.rdbuf();
  return parse(text.str(), path);
}

result<account_book> account_book::parse(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return make_error(error_code::invalid_argument, source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  IG_TRY(reject_duplicate_keys(root, source));
  if (!root.IsMap() || !root["accounts"] || !root["accounts"].IsSequence()) {
    return bad_file(source, root, "expected a mapping with an 'accounts' list");
  }
  // A misspelled key is refused, never skipped: `revokd:` must not leave a key valid.
  IG_TRY(settings(root, source, "").reject_unknown_keys({"accounts", "api_keys"}));
  account_book book;
  const YAML::Node list = root["accounts"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node entry = list[i];
    const std::string where = "accounts[" + std::to_string(i) + "]";
    if (!entry.IsMap()) return bad_file(source, entry, where + ": expected a mapping with name, keys, balance_micro");
    IG_TRY(settings(entry, source, where)
               .reject_unknown_keys({"name", "keys", "balance_micro", "account", "rate_limit_per_minute",
                                     "rate_limit_burst"}));
    try {
      if (!entry["name"] || !entry["name"].IsScalar()) return bad_file(source, entry, where + ".name: missing");
      const auto name = entry["name"].as<std::string>();
      if (book.accounts_.count(name) != 0) return bad_file(source, entry, where + ".name: duplicate '" + name + "'");
      account fresh;
      if (entry["balance_micro"]) fresh.balance_micro = entry["balance_micro"].as<std::int64_t>();
      if (fresh.balance_micro < 0) return bad_file(source, entry, where + ".balance_micro: must not be negative");
      if (entry["account"]) {
        fresh.ledger_account = entry["account"].as<std::string>();
        if (fresh.ledger_account->empty()) return bad_file(source, entry, where + ".account: empty ledger account");
      }
      if (entry["rate_limit_per_minute"] || entry["rate_limit_burst"]) {
        rate_limit_settings limits;
        if (entry["rate_limit_per_minute"]) limits.requests_per_minute = entry["rate_limit_per_minute"].as<double>();
        if (entry["rate_limit_burst"]) limits.burst = entry["rate_limit_burst"].as<double>();
        if (limits.requests_per_minute < 0 || limits.burst < 1) {
          return bad_file(source, entry, where + ": rate_limit_per_minute must be >= 0 and rate_limit_burst >= 1");
        }
        fresh.rate_limit = limits;
      }
      if (!entry["keys"] || !entry["keys"].IsSequence()) {
        return bad_file(source, entry, where + ".keys: expected a list of API keys");
      }
      for (const auto& key_node : entry["keys"]) {
        const auto key = key_node.as<std::string>();
        if (key.empty()) return bad_file(source, key_node, where + ".keys: empty key");
        const key_owner owner{name, name + "/" + std::to_string(book.owner_by_key_.size() + 1)};
        if (!book.owner_by_key_.emplace(key, owner).second) {
          return bad_file(source, key_node, where + ".keys: a key is listed twice");
        }
        if (book.owner_by_key_.size() > max_keys) return bad_file(source, key_node, "too many keys");
        book.key_list_.push_back(key_view{owner.key_id, name, plain_key_prefix(key), "", "", {}});
      }
      book.accounts_.emplace(name, fresh);
    } catch (const YAML::Exception& e) {
      return bad_file(source, entry, where + ": " + e.msg);
    }
  }
  auto made = parse_api_key_list(root["api_keys"], source);
  if (!made.ok()) return made.err();
  if (book.owner_by_key_.size() + made->size() > max_keys) return bad_file(source, root, "too many keys");
  book.add_made_keys(*made);
  return book;
}

void account_book::add_made_keys(const std::vector<api_key_record>& records) {
  for (const auto& record : records) {
    // A made key may name a ledger account the file does not list: it gets an account of its own.
    if (accounts_.count(record.account) == 0) {
      account implicit;
      implicit.ledger_account = record.account;
      accounts_.emplace(record.account, implicit);
    }
    if (record.revoked.empty()) owner_by_key_hash_.emplace(record.hash_hex, key_owner{record.account, record.id});
    key_list_.push_back(key_view{record.id, record.account, "sk-ig-" + record.id, record.created, record.revoked, {}});
  }
}

void account_book::replace_keys(account_book&& fresh) {
  std::scoped_lock lock(mutex_, fresh.mutex_);
  owner_by_key_ = std::move(fresh.owner_by_key_);
  owner_by_key_hash_ = std::move(fresh.owner_by_key_hash_);
  key_list_ = std::move(fresh.key_list_);
  for (auto& [name, reloaded] : fresh.accounts_) {
    auto it = accounts_.find(name);
    if (it == accounts_.end()) {
      accounts_.emplace(name, std::move(reloaded));
      continue;
    }
    it->second.rate_limit = reloaded.rate_limit;
    it->second.ledger_account = reloaded.ledger_account;
  }
}

std::optional<key_owner> account_book::owner_of_key(const std::string& key) const {
  const bool made = api_key_id_of(key).has_value();
  const std::string hash = made ? api_key_hash_hex(key) : "";
  std::lock_guard lock(mutex_);
  if (auto it = owner_by_key_.find(key); it != owner_by_key_.end()) return it->second;
  if (!made) return std::nullopt;
  if (auto it = owner_by_key_hash_.find(hash); it != owner_by_key_hash_.end()) return it->second;
  return std::nullopt;
}

std::optional<std::string> account_book::account_for_key(const std::string& key) const {
  auto owner = owner_of_key(key);
  if (!owner) return std::nullopt;
  return owner->account;
}

std::optional<rate_limit_settings> account_book::rate_limit_for(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(name);
  if (it == accounts_.end()) return std::nullopt;
  return it->second.rate_limit;
}

std::optional<std::string> account_book::ledger_account_for(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(name);
  if (it == accounts_.end()) return std::nullopt;
  return it->second.ledger_account;
}

status account_book::reserve(const std::string& name, std::int64_t amount_micro) {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(name);
  if (it == accounts_.end()) return make_error(error_code::not_found, "no account '" + name + "'");
  account& holder = it->second;
  const std::int64_t available = holder.balance_micro - holder.reserved_micro;
  if (amount_micro > available) {
    return make_error(error_code::insufficient_funds,
                      "The account's balance (" + std::to_string(available) + " micro available) cannot cover this "
                      "request's maximum cost (" + std::to_string(amount_micro) + " micro). Lower max_tokens or add funds.");
  }
  holder.reserved_micro += amount_micro;
  return {};
}

void account_book::settle(const std::string& name, std::int64_t reserved_micro, std::int64_t charged_micro,
                          std::int64_t prompt_tokens, std::int64_t completion_tokens, const std::string& key_id,
                          bool paid_by_ledger) {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(name);
  if (it == accounts_.end()) return;
  account& holder = it->second;
  charged_micro = paid_by_ledger ? std::max<std::int64_t>(charged_micro, 0)
                                 : std::clamp<std::int64_t>(charged_micro, 0, reserved_micro);
  holder.reserved_micro -= reserved_micro;
  if (!paid_by_ledger) holder.balance_micro -= charged_micro;
  holder.usage.requests += 1;
  holder.usage.prompt_tokens += prompt_tokens;
  holder.usage.completion_tokens += completion_tokens;
  holder.usage.spent_micro += charged_micro;
  if (!key_id.empty()) {
    account_usage& by_key = usage_by_key_id_[key_id];
    by_key.requests += 1;
    by_key.prompt_tokens += prompt_tokens;
    by_key.completion_tokens += completion_tokens;
    by_key.spent_micro += charged_micro;
  }
}

std::optional<account_view> account_book::view(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = accounts_.find(name);
  if (it == accounts_.end()) return std::nullopt;
  return account_view{name, it->second.balance_micro, it->second.reserved_micro, it->second.usage};
}

std::vector<account_view> account_book::all() const {
  std::lock_guard lock(mutex_);
  std::vector<account_view> out;
  for (const auto& [name, holder] : accounts_) {
    out.push_back(account_view{name, holder.balance_micro, holder.reserved_micro, holder.usage});
  }
  return out;
}

std::vector<key_view> account_book::keys() const {
  std::lock_guard lock(mutex_);
  std::vector<key_view> out = key_list_;
  for (auto& key : out) {
    if (auto it = usage_by_key_id_.find(key.id); it != usage_by_key_id_.end()) key.usage = it->second;
  }
  return out;
}

std::size_t account_book::key_count() const {
  std::lock_guard lock(mutex_);
  return owner_by_key_.size() + owner_by_key_hash_.size();
}

}  // namespace infergrid::http
