// `infergrid ledger ...`: inspect, verify and operate the settlement ledger file.
//   infergrid ledger verify                      recompute the chain and every invariant (exit 1 on failure)
//   infergrid ledger balance ACCOUNT             an account's buckets
//   infergrid ledger history ACCOUNT [--limit N] the entries that touched it, newest first
//   infergrid ledger epochs                      published epoch root hashes, each with its reward pool,
//                                                what it paid out, and for a demand-driven close the
//                                                measured utilisation and queue p95
//   infergrid ledger deposit ACCOUNT AMOUNT [--kind developer|miner|validator|treasury]
//   infergrid ledger withdraw|mint|burn|stake|unbond ACCOUNT AMOUNT
//   infergrid ledger transfer FROM TO AMOUNT
//   infergrid ledger withdraw-unbonded ACCOUNT
//   infergrid ledger escrows                     open escrows with their payer, amount and expiry
//   infergrid ledger refund REQUEST_ID [--reason R]  return an open escrow to its payer (operator)
// A mutation needs the ledger's writer lock: while a settlement actor (`infergrid up`) holds the
// file, it is refused with a message saying so (the actor refunds expired escrows itself).
// Options: --db PATH (default ./infergrid-ledger.db), --key PATH (ledger signer key, default
// DB.key), --op-id ID (idempotency key; default random — reuse it to retry safely), --create (a
// mutation may start a new ledger, and its signer key, where --db names none: without it a
// mutation on a missing --db is refused, so a mistyped path cannot fork the books).
// AMOUNT is in tokens with up to six decimals ("12.5") or micro-units with a u suffix ("12500000u").
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/random_op_id.hpp"
#include "actors/settlement/ledger/ledger.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"

namespace infergrid::cli {
namespace {

namespace lg = infergrid::ledger;

struct ledger_args {
  std::string db = "infergrid-ledger.db";
  std::string key;
  std::string op_id;
  std::string account;
  std::string to;
  std::string amount;
  std::string kind = "developer";
  std::string reason = "refunded by the operator";
  std::int64_t limit = 20;
  bool create = false;  // a mutation may start a new ledger at db
};

int report_error(const std::string& what, const error& e) {
  fmt::print(stderr, "{}: {} ({})\n", what, e.message, to_string(e.code));
  return 1;
}

result<lg::ledger_store> open_existing(const std::string& db) {
  if (!std::filesystem::exists(db)) return make_error(error_code::not_found, "no ledger at " + db);
  return lg::ledger_store::open(db, true);
}

int run_verify(const ledger_args& args) {
  const auto started = std::chrono::steady_clock::now();
  auto report = lg::verify_ledger(args.db);
  if (!report) return report_error("ledger verify FAILED", report.err());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("ledger OK: {} entries, {} epochs closed, {} accounts, {} open escrows, supply {} tokens ({:.2f} s)\n",
             report->entries, report->epochs_closed, report->accounts, report->open_escrows,
             lg::format_amount(report->supply_micro), seconds);
  return 0;
}

int run_balance(const ledger_args& args) {
  auto store = open_existing(args.db);
  if (!store) return report_error("ledger balance", store.err());
  auto found = store->read_account(args.account);
  if (!found) return report_error("ledger balance", found.err());
  if (!found->has_value()) return report_error("ledger balance", make_error(error_code::not_found, "no account " + args.account));
  const lg::account& a = **found;
  fmt::print("{} ({})\n  balance    {}\n  staked     {}\n  unbonding  {}\n  escrowed   {}\n", args.account,
             lg::account_kind_names[static_cast<std::size_t>(a.kind) % lg::account_kind_count], lg::format_amount(a.balance_micro), lg::format_amount(a.staked_micro),
             lg::format_amount(a.unbonding_micro), lg::format_amount(a.escrowed_micro));
  return 0;
}

int run_history(const ledger_args& args) {
  auto store = open_existing(args.db);
  if (!store) return report_error("ledger history", store.err());
  auto entries = store->history(args.account, std::clamp<std::int64_t>(args.limit, 1, 10'000));
  if (!entries) return report_error("ledger history", entries.err());
  for (const lg::entry& e : *entries) {
    auto op = lg::decode_operation(e.op_bytes);
    auto out = lg::decode_outcome(e.outcome_bytes);
    lg::micro_units delta = 0;
    if (out) {
      for (const lg::posting& p : out->postings) delta += p.account == args.account ? p.delta_micro : 0;
    }
    fmt::print("#{:<8} {:<18} {:>20}  op {}  cause {}\n", e.seq, op ? lg::operation_name(*op) : "?",
               lg::format_amount(delta), e.op_id, e.cause_id);
  }
  if (entries->empty()) fmt::print("no entries for {}\n", args.account);
  return 0;
}

// "pool Nu paid Nu demand utilisation N ppm queue p95 N ms by value paid op OP" of an epoch's closing entry: the
// pool leaves the treasury (the one negative posting), the rounding remainder goes back to it.
result<std::string> describe_epoch_close(const lg::entry& closing) {
  auto op = lg::decode_operation(closing.op_bytes);
  if (!op.ok()) return op.err();
  auto out = lg::decode_outcome(closing.outcome_bytes);
  if (!out.ok()) return out.err();
  const auto* close = std::get_if<lg::epoch_close_op>(&*op);
  if (close == nullptr) return make_error(error_code::malformed_input, "entry " + std::to_string(closing.seq) + " is no epoch close");
  std::int64_t pool_micro = 0;
  std::string treasury;
  for (const lg::posting& p : out->postings) {
    if (p.delta_micro < 0) pool_micro -= p.delta_micro, treasury = p.account;
  }
  std::int64_t paid_micro = 0;
  for (const lg::posting& p : out->postings) {
    if (p.delta_micro > 0 && p.account != treasury) paid_micro += p.delta_micro;
  }
  std::string text = fmt::format("pool {}u paid {}u", pool_micro, paid_micro);
  if (close->demand) {
    text += fmt::format(" demand utilisation {} ppm queue p95 {} ms", close->demand->utilisation_ppm, close->demand->queue_p95_ms);
  }
  if (close->work == lg::useful_work::value_paid) text += " by value paid";  // else by tokens (settlement.md)
  if (close->score == lg::score_rule::work_scaled) text += ", quality scaling work";  // else added to it
  return text + " op " + closing.op_id;
}

int run_epochs(const ledger_args& args) {
  auto store = open_existing(args.db);
  if (!store) return report_error("ledger epochs", store.err());
  auto roots = store->epoch_roots();
  if (!roots) return report_error("ledger epochs", roots.err());
  if (roots->empty()) fmt::print("no epoch has closed yet\n");  // not an error: a young ledger
  for (const lg::epoch_root& r : *roots) {
    auto closing = store->read_range(r.last_seq, 1);
    if (!closing) return report_error("ledger epochs", closing.err());
    if (closing->empty()) return report_error("ledger epochs", make_error(error_code::not_found, "no entry " + std::to_string(r.last_seq)));
    auto described = describe_epoch_close(closing->front());
    if (!described) return report_error("ledger epochs", described.err());
    fmt::print("epoch {:<6} entry {:<10} root {} {}\n", r.epoch, r.last_seq, to_hex(r.root_hash), *described);
  }
  return 0;
}

std::string describe_expiry(std::int64_t expires_at_unix_ms, std::int64_t now_unix_ms) {
  if (expires_at_unix_ms == 0) return "no expiry recorded (the actor refunds it after its default timeout)";
  const std::int64_t seconds = (expires_at_unix_ms - now_unix_ms) / 1000;
  return seconds >= 0 ? fmt::format("expires in {} s", seconds) : fmt::format("EXPIRED {} s ago", -seconds);
}

int run_escrows(const ledger_args& args) {
  auto state = lg::replay_ledger_file(args.db);
  if (!state) return report_error("ledger escrows", state.err());
  const std::int64_t now = lg::unix_ms_now();
  for (const auto& [request_id, e] : state->open_escrows()) {
    fmt::print("{}  payer {}  held {}  {}\n", request_id, e.payer, lg::format_amount(e.held_micro),
               describe_expiry(e.expires_at_unix_ms, now));
  }
  fmt::print("{} open escrows\n", state->open_escrow_count());
  return 0;
}

result<lg::operation> build_operation(const std::string& verb, const ledger_args& args) {
  if (verb == "withdraw-unbonded") return lg::operation{lg::withdraw_unbonded_op{args.account}};
  if (verb == "refund") return lg::operation{lg::refund_op{args.account, args.reason}};
  auto amount = lg::parse_amount(args.amount);
  if (!amount) return amount.err();
  if (verb == "deposit") {
    const auto& kinds = lg::account_kind_names;
    const auto kind = std::find(kinds.begin(), kinds.end(), args.kind);
    if (kind == kinds.end()) return make_error(error_code::invalid_argument, "unknown account kind " + args.kind);
    return lg::operation{lg::deposit_op{args.account, static_cast<std::uint8_t>(kind - kinds.begin()), *amount}};
  }
  if (verb == "withdraw") return lg::operation{lg::withdraw_op{args.account, *amount}};
  if (verb == "mint") return lg::operation{lg::mint_op{args.account, *amount}};
  if (verb == "burn") return lg::operation{lg::burn_op{args.account, *amount}};
  if (verb == "stake") return lg::operation{lg::stake_op{args.account, *amount}};
  if (verb == "unbond") return lg::operation{lg::unbond_op{args.account, *amount}};
  return lg::operation{lg::transfer_op{args.account, args.to, *amount}};
}

int run_mutation(const std::string& verb, const ledger_args& args) {
  auto op = build_operation(verb, args);
  if (!op) return report_error("ledger " + verb, op.err());
  if (!args.create && !std::filesystem::exists(args.db)) {
    return report_error("ledger " + verb,
                        make_error(error_code::not_found, "no ledger at " + args.db +
                                                              "; pass --create to start a new one (with a new signer "
                                                              "key), or --db with the ledger's path"));
  }
  auto signer = identity::load_or_create(args.key.empty() ? args.db + ".key" : args.key);
  if (!signer) return report_error("ledger " + verb, signer.err());
  auto opened = lg::ledger::open(lg::ledger_options{.path = args.db, .use_stored_config = true}, std::move(*signer));
  if (!opened) return report_error("ledger " + verb, opened.err());
  // A refund's default op id is the request's, so running it twice refunds once.
  const std::string op_id =
      !args.op_id.empty() ? args.op_id : verb == "refund" ? "operator-refund/" + args.account : random_op_id("cli-");
  auto ack = opened->submit_one(lg::command{op_id, "cli", std::move(*op)});
  if (!ack) return report_error("ledger " + verb + " refused", ack.err());
  fmt::print("{} entry {} (op id {}, hash {})\n", ack->replayed ? "already recorded as" : "recorded as", ack->seq, op_id,
             to_hex(ack->entry_hash));
  return 0;
}

// The mutations by verb, each with the one line its --help shows (operation.hpp says what each books).
struct mutation_verb {
  const char* name;
  const char* help;
};
constexpr mutation_verb mutation_verbs[] = {
    {"deposit", "Credit external money to an account's free balance (the supply grows); --kind for a new account"},
    {"withdraw", "Debit external money from an account's free balance (the supply shrinks)"},
    {"mint", "Create tokens in an account's free balance (e.g. to fund the treasury's reward pool)"},
    {"burn", "Destroy tokens from an account's free balance"},
    {"stake", "Move a miner's or validator's free balance into its stake"},
    {"unbond", "Move stake into unbonding (locked and slashable for the ledger's unbonding_epochs)"},
    {"transfer", "Move free balance from one account to another"},
    {"withdraw-unbonded", "Return an account's matured unbondings to its free balance"},
};

void add_ledger(CLI::App& app) {
  auto* ledger = app.add_subcommand("ledger", "Verify, query and operate the settlement ledger");
  ledger->require_subcommand(1);
  ledger->fallthrough();
  auto args = std::make_shared<ledger_args>();
  ledger->add_option("--db", args->db, "Ledger database file")->capture_default_str();
  ledger->add_option("--key", args->key, "Ledger signer key file (default: DB.key)");
  ledger->add_option("--op-id", args->op_id, "Idempotency key for a mutation (default: random)");
  ledger->add_flag("--create", args->create,
                   "Let a mutation start a new ledger (and its signer key) when --db names none; without it a "
                   "mutation on a missing --db is refused");
  ledger->add_subcommand("verify", "Recompute the hash chain and check every invariant")->callback([args] {
    set_exit_code(run_verify(*args));
  });
  ledger->add_subcommand("epochs", "List published epoch root hashes")->callback([args] { set_exit_code(run_epochs(*args)); });
  auto* balance = ledger->add_subcommand("balance", "Show an account's balances");
  constexpr const char* account_help = "Account: a developer's name, a miner's or validator's signing.pub (hex), or a wallet's 0x address";
  balance->add_option("account", args->account, account_help)->required();
  balance->callback([args] { set_exit_code(run_balance(*args)); });
  auto* history = ledger->add_subcommand("history", "List the entries that touched an account");
  history->add_option("account", args->account, account_help)->required();
  history->add_option("--limit", args->limit, "Most entries to list")->capture_default_str();
  history->callback([args] { set_exit_code(run_history(*args)); });
  ledger->add_subcommand("escrows", "List open escrows and when they expire")->callback([args] {
    set_exit_code(run_escrows(*args));
  });
  auto* refund = ledger->add_subcommand("refund", "Return an open escrow to its payer");
  refund->add_option("request_id", args->account, "The escrowed request's id")->required();
  refund->add_option("--reason", args->reason, "Recorded with the refund")->capture_default_str();
  refund->callback([args] { set_exit_code(run_mutation("refund", *args)); });
  for (const mutation_verb& mutation : mutation_verbs) {
    const std::string verb = mutation.name;
    auto* sub = ledger->add_subcommand(verb, mutation.help);
    sub->add_option("account", args->account, verb == "transfer" ? "From account" : account_help)->required();
    if (verb == "transfer") sub->add_option("to", args->to, "To account")->required();
    if (verb != "withdraw-unbonded") sub->add_option("amount", args->amount, "Tokens (12.5) or micro-units (12500000u)")->required();
    if (verb == "deposit") {
      sub->add_option("--kind", args->kind, "Kind of the account if it is new: developer, miner, validator or treasury")
          ->capture_default_str();
    }
    sub->callback([args, verb] { set_exit_code(run_mutation(verb, *args)); });
  }
}

IG_REGISTER_COMMAND(add_ledger);

}  // namespace
}  // namespace infergrid::cli
