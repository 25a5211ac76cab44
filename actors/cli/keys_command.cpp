// `infergrid keys create|list|revoke`: developers' API keys, bound to accounts (a keys file account
// or a ledger account), kept hashed in the HTTP bridge's keys file (actors/http_bridge/api_key_file.hpp).
// The keys file and the bridge's address come from the node config's http_bridge actor
// (default deploy/all-in-one.yaml) or from --keys-file/--url. A running bridge re-reads the file
// when it changes, so a new key works and a revoked one is refused within keys_reload_ms.
// `list` adds each key's usage when it reaches the bridge (GET /dashboard/api/keys, operator key).
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/text_table.hpp"
#include "actors/http_bridge/account_book.hpp"
#include "actors/http_bridge/api_key_file.hpp"
#include "actors/http_bridge/http_bridge_config.hpp"
#include "runtime/config.hpp"

namespace {

using namespace infergrid;

struct keys_options {
  std::string config = "deploy/all-in-one.yaml";
  std::string keys_file;     // overrides the config's
  std::string url;           // the bridge, e.g. http://127.0.0.1:8080; overrides the config's listen
  std::string operator_key;  // overrides the config's first operator key
  std::string account;
  std::string id;
};

struct bridge_target {
  std::string keys_file;
  std::string url;
  std::string operator_key;
};

result<bridge_target> resolve(const keys_options& options) {
  bridge_target target{options.keys_file, options.url, options.operator_key};
  if (!target.keys_file.empty() && !target.url.empty()) return target;
  auto node = load_config_file(options.config);
  if (!node.ok()) {
    if (!target.keys_file.empty()) return target;
    return node.err();
  }
  for (const auto& actor : node->actors) {
    if (actor.kind != "http_bridge") continue;
    auto bridge = http::parse_http_bridge_config(actor.config);
    if (!bridge.ok()) return bridge.err();
    if (target.keys_file.empty()) target.keys_file = bridge->keys_file;
    if (target.url.empty()) target.url = fmt::format("http://{}:{}", bridge->host, bridge->port);
    if (target.operator_key.empty() && !bridge->operator_keys.empty()) target.operator_key = bridge->operator_keys.front();
    return target;
  }
  if (!target.keys_file.empty()) return target;
  return make_error(error_code::not_found, options.config + ": no http_bridge actor (give --keys-file)");
}

int fail(const std::string& command, const std::string& message) {
  fmt::print(stderr, "infergrid keys {}: {}\n", command, message);
  return 1;
}

// Usage by key id from the running bridge; an error says why it was not reached.
result<nlohmann::json> usage_from_bridge(const bridge_target& target) {
  if (target.url.empty()) return make_error(error_code::unavailable, "no bridge address");
  httplib::Client client(target.url);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  auto reply = client.Get("/dashboard/api/keys", {{"Authorization", "Bearer " + target.operator_key}});
  if (!reply) return make_error(error_code::unavailable, target.url + " not reached");
  if (reply->status != 200) return make_error(error_code::permission_denied, fmt::format("{} answered {}", target.url, reply->status));
  auto body = nlohmann::json::parse(reply->body, nullptr, false);
  if (body.is_discarded() || !body.contains("keys")) return make_error(error_code::malformed_input, "unreadable answer");
  nlohmann::json by_id = nlohmann::json::object();
  for (const auto& key : body["keys"]) by_id[key.value("id", "")] = key["usage"];
  return by_id;
}

int run_create(const keys_options& options) {
  auto target = resolve(options);
  if (!target.ok()) return fail("create", target.err().message);
  auto made = http::add_api_key(target->keys_file, options.account, http::utc_now_iso8601());
  if (!made.ok()) return fail("create", made.err().message);
  fmt::print("id       {}\naccount  {}\nkey      {}\n", made->id, options.account, made->key);
  fmt::print(stderr, "The key is shown only now: {} keeps its hash. A running bridge takes it within a second.\n",
             target->keys_file);
  return 0;
}

int run_list(const keys_options& options) {
  auto target = resolve(options);
  if (!target.ok()) return fail("list", target.err().message);
  auto book = http::account_book::load_file(target->keys_file);
  if (!book.ok()) return fail("list", book.err().message);
  auto usage = usage_from_bridge(*target);
  constexpr auto right = cli::align::right;
  cli::text_table table({{"id"}, {"account"}, {"prefix"}, {"created"}, {"revoked"}, {"requests", right}, {"prompt", right},
                         {"completion", right}, {"spent", right}});
  for (const auto& key : book->keys()) {
    const auto& counts = usage.ok() && usage->contains(key.id) ? (*usage)[key.id] : nlohmann::json();
    const auto number = [&](const char* name) {
      return counts.is_object() ? std::to_string(counts.value(name, std::int64_t{0})) : std::string("-");
    };
    table.add_row({key.id, key.account, key.prefix + "…", key.created.empty() ? "(file)" : key.created,
                   key.revoked.empty() ? "-" : key.revoked, number("requests"), number("prompt_tokens"),
                   number("completion_tokens"), number("spent_micro")});
  }
  fmt::print("{}", table.render());
  if (!usage.ok()) fmt::print(stderr, "usage not shown: {}\n", usage.err().message);
  return 0;
}

int run_revoke(const keys_options& options) {
  auto target = resolve(options);
  if (!target.ok()) return fail("revoke", target.err().message);
  auto revoked = http::revoke_api_key(target->keys_file, options.id, http::utc_now_iso8601());
  if (!revoked.ok()) return fail("revoke", revoked.err().message);
  fmt::print("revoked  {} (account {}) at {}\n", revoked->id, revoked->account, revoked->revoked);
  return 0;
}

void add_source_options(CLI::App* command, keys_options& options) {
  command->add_option("--config", options.config, "Node config whose http_bridge names the keys file (default deploy/all-in-one.yaml).");
  command->add_option("--keys-file", options.keys_file, "The keys file itself (instead of the config's).");
}

void add_keys(CLI::App& app) {
  auto* keys = app.add_subcommand("keys", "Developers' API keys: create, list (with usage), revoke.");
  keys->require_subcommand(1);
  auto options = std::make_shared<keys_options>();
  auto* create = keys->add_subcommand("create", "Make a key for an account; prints it once, the file keeps its hash.");
  add_source_options(create, *options);
  create->add_option("--account", options->account, "The account it spends from (keys file account or ledger account).")->required();
  create->callback([options] { cli::set_exit_code(run_create(*options)); });
  auto* list = keys->add_subcommand("list", "Every key (id, account, prefix, created, revoked) and its usage.");
  add_source_options(list, *options);
  list->add_option("--url", options->url, "The bridge (default: the config's listen), for usage.");
  list->add_option("--operator-key", options->operator_key, "An operator key of the bridge (default: the config's first).");
  list->callback([options] { cli::set_exit_code(run_list(*options)); });
  auto* revoke = keys->add_subcommand("revoke", "Revoke a key by its id; a running bridge refuses it from then on.");
  add_source_options(revoke, *options);
  revoke->add_option("id", options->id, "The key's id (8 hex digits, from create or list).")->required();
  revoke->callback([options] { cli::set_exit_code(run_revoke(*options)); });
}

IG_REGISTER_COMMAND(add_keys);

}  // namespace
