#include "actors/settlement/settlement_actor.hpp"

#include "actors/settlement/chain_anchor.hpp"
#include "actors/settlement/chain_withdrawal.hpp"
#include "actors/settlement/entries_lookup.hpp"
#include "actors/settlement/ledger/epoch_close_rule.hpp"
#include "actors/settlement/ledger_view.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "actors/settlement/price_conversion.hpp"
#include "actors/settlement/request_op_ids.hpp"
#include "actors/settlement/settlement_state.hpp"
#include "runtime/actor_kind_registry.hpp"
#include "runtime/log.hpp"

namespace infergrid {
namespace {

namespace lg = ledger;

std::vector<ledger_posting> to_postings(const lg::outcome& out) {
  std::vector<ledger_posting> postings;
  for (const lg::posting& p : out.postings) postings.push_back({p.account, p.where, p.delta_micro});
  return postings;
}

std::int64_t posted(const lg::outcome& out, const std::string& account, lg::bucket where) {
  std::int64_t sum = 0;
  for (const lg::posting& p : out.postings) {
    if (p.account == account && p.where == static_cast<std::uint8_t>(where)) sum += p.delta_micro;
  }
  return sum;
}

}  // namespace

std::string cause_of(const envelope& in) { return in.sender + "#" + std::to_string(in.message_id); }

lg::operation to_operation(const ledger_deposit& m) { return lg::deposit_op{m.account, m.kind, m.amount_micro}; }
lg::operation to_operation(const ledger_stake& m) { return lg::stake_op{m.account, m.amount_micro}; }
lg::operation to_operation(const ledger_unbond& m) { return lg::unbond_op{m.account, m.amount_micro}; }
lg::operation to_operation(const ledger_withdraw_unbonded& m) { return lg::withdraw_unbonded_op{m.account}; }
lg::operation to_operation(const escrow_request& m) {
  return lg::escrow_op{m.request_id, m.payer, m.max_cost_micro, m.prompt_price_per_1k_micro,
                       m.completion_price_per_1k_micro};
}
lg::operation to_operation(const settle_receipt& m) {
  lg::settlement_receipt claim = settlement_receipt_of(m);
  if (m.partial) return lg::partial_settle_op{std::move(claim), m.miner_signature};
  return lg::settle_op{std::move(claim), m.miner_signature};
}
lg::operation to_operation(const refund_request& m) { return lg::refund_op{m.request_id, m.reason}; }
lg::operation to_operation(const verdict_message& m) {
  return lg::verdict_op{lg::verdict{m.request_id, m.miner, m.validator, m.guilty}, m.validator_signature};
}
lg::operation to_operation(const epoch_close& m) {
  // Every close this actor writes counts value paid; entries that counted tokens replay as written.
  lg::epoch_close_op op = lg::current_epoch_close(m.epoch, m.reward_pool_micro, {}, std::nullopt);
  for (const auto& metric : m.metrics) {
    op.metrics.push_back({metric.miner, metric.latency_p95_ms, metric.uptime_ppm, metric.accuracy_ppm});
  }
  if (m.demand_driven) op.demand = lg::epoch_demand{m.queue_p95_ms, m.utilisation_ppm};
  return op;
}

ledger_ack to_ledger_ack(const lg::acknowledgement& ack) {
  return ledger_ack{ack.seq, ack.entry_hash, to_postings(ack.result), ack.replayed};
}

escrow_reply to_escrow_reply(const escrow_request& m, const lg::acknowledgement& ack) {
  return escrow_reply{m.request_id, m.max_cost_micro, ack.seq, ack.replayed};
}

settle_reply to_settle_reply(const settle_receipt& m, const std::string& treasury, const lg::acknowledgement& ack) {
  const lg::outcome& out = ack.result;
  std::int64_t refunded = 0;
  for (const lg::posting& p : out.postings) {
    // The payer's escrowed bucket is debited; what comes back to its balance is the refund.
    if (p.where == static_cast<std::uint8_t>(lg::bucket::escrowed)) refunded = posted(out, p.account, lg::bucket::balance);
  }
  return settle_reply{m.request_id, posted(out, m.miner, lg::bucket::balance), posted(out, treasury, lg::bucket::balance),
                      refunded, ack.seq, ack.replayed};
}

verdict_reply to_verdict_reply(const verdict_message& m, const lg::acknowledgement& ack) {
  const std::int64_t slashed =
      -(posted(ack.result, m.miner, lg::bucket::staked) + posted(ack.result, m.miner, lg::bucket::unbonding));
  return verdict_reply{m.request_id, ack.result.convicted, ack.result.miner_unschedulable, slashed, ack.seq, ack.replayed};
}

epoch_root to_epoch_root(const epoch_close& m, const public_key& signer, const lg::acknowledgement& ack) {
  return epoch_root{m.epoch, ack.seq, ack.entry_hash, std::vector<std::uint8_t>(signer.begin(), signer.end()),
                    to_postings(ack.result)};
}

settlement_state::settlement_state(actor_context& context, settlement_settings settings_read, lg::ledger opened)
    : ctx(context),
      config(std::move(settings_read)),
      books(std::move(opened)),
      expiry_clock(config.expiry),
      epochs(ctx, config.epochs, books,
             [this](lg::command c, answer_fn answer) { enqueue(std::move(c), std::move(answer)); },
             [this](std::int64_t epoch, const lg::acknowledgement& ack) {
               epoch_closed(epoch_root{epoch, ack.seq, ack.entry_hash,
                                       std::vector<std::uint8_t>(books.signer_key().begin(), books.signer_key().end()),
                                       to_postings(ack.result)});
             }) {}



result<std::unique_ptr<settlement_state>> settlement_state::create(actor_context& ctx, const settings& raw) {
  auto read = read_settlement_settings(raw);
  if (!read.ok()) return read.err();
  auto signer = identity::load_or_create(read->key_path);
  if (!signer.ok()) return signer.err();
  auto opened = lg::ledger::open(
      lg::ledger_options{.path = read->db_path, .durable = read->durable, .config = read->ledger}, std::move(*signer));
  if (!opened.ok()) return opened.err();
  std::unique_ptr<chain_bridge> bridge;
  if (!read->chain.endpoint.empty()) {
    auto created = chain_bridge::create(read->chain, vault_rules_of(read->ledger), read->db_path + ".chain-cursor",
                                        read->db_path + ".chain-slashes", ctx.address());
    if (!created.ok()) return created.err();
    bridge = std::move(*created);
  }
  auto state = std::make_unique<settlement_state>(ctx, std::move(*read), std::move(*opened));
  state->chain = std::move(bridge);
  return state;
}

void settlement_state::on_start() {
  for (const auto& [account, amount_micro] : config.genesis_deposits) {
    const std::string op_id = "genesis/" + account;
    // Developer accounts; the treasury named here is funded as the treasury (it pays the epoch rewards).
    const auto kind = static_cast<std::uint8_t>(account == config.ledger.treasury_account ? lg::account_kind::treasury
                                                                                          : lg::account_kind::developer);
    enqueue(lg::command{op_id, ctx.address(), lg::deposit_op{account, kind, amount_micro}},
            [this, op_id](result<lg::acknowledgement> ack) {
              if (!ack.ok()) {
                ctx.note_error(ack.err());
                log(log_level::warn, ctx.address(), "{}: {}", op_id, ack.err().message);
              }
            });
  }
  reconcile();  // what a crash or a stop left open and has expired meanwhile
  (void)ctx.every(config.expiry.reconcile_interval_ms, [this] { reconcile(); });
  if (config.epoch_interval_ms > 0) (void)ctx.every(config.epoch_interval_ms, [this] { close_epoch_by_timer(); });
  if (auto started = epochs.start(); !started.ok()) {
    ctx.note_error(started.err());
    log(log_level::error, ctx.address(), "epoch driver did not start: {}", started.err().message);
  }
  if (chain) {
    chain->start(ctx.waker(), [this](lg::command c, answer_fn answer) { enqueue(std::move(c), std::move(answer)); }, &books);
    chain->anchor_last_closed(books);  // an epoch closed before a stop or while the node was down
    chain->recover_convictions(books);  // committed, then stopped before the book knew
  }
}

void settlement_state::close_epoch_by_timer() {
  const epoch_close m{"epoch-timer/" + std::to_string(books.state().epoch()), books.state().epoch(), 0, {}};
  enqueue(lg::command{m.op_id, ctx.address(), to_operation(m)}, [this, m](result<lg::acknowledgement> ack) {
    if (!ack.ok()) {
      // A close that an epoch_close message beat to it is a conflict: the next tick closes the next epoch.
      if (ack.err().code != error_code::conflict) ctx.note_error(ack.err());
      log(log_level::warn, ctx.address(), "{}: {}", m.op_id, ack.err().message);
      return;
    }
    if (!ack->replayed) epoch_closed(to_epoch_root(m, books.signer_key(), *ack));
  });
}

void settlement_state::epoch_closed(const epoch_root& root) {
  for (const std::string& subscriber : config.epoch_root_subscribers) (void)ctx.send(subscriber, root);
  if (chain) {
    chain->anchor_last_closed(books);
    chain->epoch_closed();
  }
}

void settlement_state::reconcile() {
  for (const std::string& request_id : expiry_clock.expired(books.state(), lg::unix_ms_now())) {
    const std::string op_id = "expire/" + request_id;
    enqueue(lg::command{op_id, ctx.address(), lg::refund_op{request_id, "expired"}},
            [this, request_id](result<lg::acknowledgement> ack) {
              expiry_clock.done(request_id);
              if (!ack.ok()) {
                ctx.note_error(ack.err());
                log(log_level::warn, ctx.address(), "refund of expired escrow {}: {}", request_id, ack.err().message);
                return;
              }
              log(log_level::info, ctx.address(), "refunded expired escrow {} (entry {})", request_id, ack->seq);
            });
  }
}

void settlement_state::enqueue(lg::command c, answer_fn answer) {
  queued.push_back(std::move(c));
  answers.push_back(std::move(answer));
  if (queued.size() >= lg::batch_commands_max) return flush();
  if (!flush_armed) {
    // Group commit: whatever else is already waiting in the inbox joins this commit.
    flush_armed = true;
    ctx.when_idle([this] { flush(); });
  }
}

void settlement_state::flush() {
  flush_armed = false;
  if (queued.empty()) return;
  auto acks = books.submit(queued);
  std::vector<answer_fn> to_answer = std::move(answers);
  queued.clear();
  answers.clear();
  for (std::size_t i = 0; i < acks.size(); ++i) to_answer[i](std::move(acks[i]));
}

namespace {

// Queues `op` for the message `in`; once committed, replies with make_reply(ack) or the error.
template <class Reply>
void queue_operation(settlement_state& s, const envelope& in, std::string op_id,
                     std::function<Reply(const lg::acknowledgement&)> make_reply, lg::operation op) {
  const reply_token token = detail::token_for(in);
  s.enqueue(lg::command{std::move(op_id), cause_of(in), std::move(op)},
            [&s, token, make_reply = std::move(make_reply)](result<lg::acknowledgement> ack) {
              if (!ack.ok()) {
                s.ctx.note_error(ack.err());
                (void)s.ctx.reply_error(token, ack.err());
                return;
              }
              (void)s.ctx.reply(token, make_reply(*ack));
            });
}

template <class M, class Reply>
void queue_mutation(settlement_state& s, const M& m, const envelope& in, std::string op_id,
                    std::function<Reply(const lg::acknowledgement&)> make_reply) {
  queue_operation<Reply>(s, in, std::move(op_id), std::move(make_reply), to_operation(m));
}

// A message refused before it reaches the ledger: counted, and answered with why.
void refuse(actor_context& ctx, const envelope& in, const error& why) {
  ctx.note_error(why);
  (void)ctx.reply_error(detail::token_for(in), why);
}

// With stakes in custody on a chain, a member's stake moves through the vault only (its events book
// it here): a stake of ledger balance alone would make a miner schedulable that the vault cannot
// slash, and an unbond here would free what the vault still holds. Nobody withdraws unbonded stake
// into the ledger balance there: the vault pays it out itself (withdrawUnbonded, booked as
// unbonding_paid), so it could leave twice. Admission here, not a ledger rule, so ledgers written
// before replay as they were.
status custody_refusal(const lg::ledger_state& state, bool operator_sent, std::string_view kind) {
  if (!state.config().slashes_on_chain || (operator_sent && kind != "withdraw-unbonded")) return {};
  return make_error(error_code::permission_denied, "stakes are in custody on the chain: stake, unbond and withdraw "
                                                   "through the vault (infergrid chain stake|unbond|withdraw-unbonded)");
}

// An innocent verdict earns its validator a share of the epoch's rewards (correct verdicts), so it
// is taken only on a request this ledger escrowed — not on ids made up by the thousand. A guilty one
// may name a request never escrowed (a validator's canary): it convicts only at a quorum. Admission
// here, not a ledger rule: verdicts the ledger took before replay as they were.
status innocent_verdict_refusal(const lg::ledger_state& state, const verdict_message& m) {
  if (m.guilty || state.find_escrow(m.request_id) != nullptr) return {};
  auto closed = state.escrow_closed(m.request_id);
  if (!closed) return closed.err();
  if (*closed) return {};
  return make_error(error_code::not_found, "an innocent verdict needs a request this ledger escrowed; " + m.request_id +
                                               " never was");
}

// Who may name an account other than its own key (messages/authority.hpp): the operator for
// stake movements, coordinators (bridges, the stake gate) for queries. This process may always.
status check_own_account(const actor_context& ctx, const std::string& account, role_mask for_others) {
  if ((ctx.sender_roles() & for_others) != 0 || ctx.sent_by(account)) return {};
  return make_error(error_code::permission_denied, "key " + ctx.sender_key().substr(0, 16) + "… may not act on account " + account);
}

template <class M>
handler_entry on_acked(settlement_state& s) {
  return on<M>([&s](const M& m, const envelope& in) {
    queue_mutation<M, ledger_ack>(s, m, in, m.op_id, [](const lg::acknowledgement& ack) { return to_ledger_ack(ack); });
  });
}

// A member's own stake movements (the authority table lets members send them at all), applied
// under an op id in the member's own space (member_op_id); the operator names op ids as it likes.
template <class M>
handler_entry on_own_account(settlement_state& s, std::string_view kind) {
  return on<M>([&s, kind](const M& m, const envelope& in) {
    if (auto own = check_own_account(s.ctx, m.account, role_operator); !own.ok()) return refuse(s.ctx, in, own.err());
    const bool operator_sent = (s.ctx.sender_roles() & role_operator) != 0;
    if (auto held = custody_refusal(s.books.state(), operator_sent, kind); !held.ok()) return refuse(s.ctx, in, held.err());
    queue_mutation<M, ledger_ack>(s, m, in, operator_sent ? m.op_id : member_op_id(kind, m.account, m.op_id),
                                  [](const lg::acknowledgement& ack) { return to_ledger_ack(ack); });
  });
}

}  // namespace

handler_table settlement_state::handlers() {
  const std::string treasury = config.ledger.treasury_account;
  return {
      on_acked<ledger_deposit>(*this),
      on_own_account<ledger_stake>(*this, "stake"),
      on_own_account<ledger_unbond>(*this, "unbond"),
      on_own_account<ledger_withdraw_unbonded>(*this, "withdraw-unbonded"),
      on_acked<refund_request>(*this),
      on<escrow_request>([this](const escrow_request& m, const envelope& in) {
        lg::operation op = to_operation(m);
        std::get<lg::escrow_op>(op).expires_at_unix_ms = escrow_expiry_of(config.expiry, m.deadline_unix_ms);
        queue_operation<escrow_reply>(
            *this, in, m.op_id, [m](const lg::acknowledgement& ack) { return to_escrow_reply(m, ack); }, std::move(op));
      }),
      on<settle_receipt>([this, treasury](const settle_receipt& m, const envelope& in) {
        queue_mutation<settle_receipt, settle_reply>(
            *this, m, in, m.op_id, [m, treasury](const lg::acknowledgement& ack) { return to_settle_reply(m, treasury, ack); });
      }),
      on<verdict_message>([this](const verdict_message& m, const envelope& in) {
        if (auto refused = innocent_verdict_refusal(books.state(), m); !refused.ok()) return refuse(ctx, in, refused.err());
        queue_mutation<verdict_message, verdict_reply>(*this, m, in, verdict_op_id(m.request_id, m.validator), [this, m](const lg::acknowledgement& ack) {
          if (chain && ack.result.convicted) {
            if (const lg::awaiting_slash* awaiting = books.state().awaiting_chain_slash(m.request_id, m.miner)) {
              chain->convicted(m.request_id, *awaiting);
            }
          }
          return to_verdict_reply(m, ack);
        });
      }),
      on<chain_identity_query>([this](const chain_identity_query& q) -> result<chain_identity> {
        if (!chain) return make_error(error_code::unavailable, "this settlement has no chain bridge");
        return chain->identity_of(q.account);
      }),
      on<chain_slash_signature>([this](const chain_slash_signature& m) -> result<chain_slash_signature_ack> {
        if (!chain) return make_error(error_code::unavailable, "this settlement has no chain bridge");
        auto kept = chain->keep_slash_signature(m);
        if (!kept.ok()) return kept.err();
        return chain_slash_signature_ack{m.request_id, *kept};
      }),
      on<epoch_close>([this](const epoch_close& m, const envelope& in) {
        queue_mutation<epoch_close, epoch_root>(*this, m, in, m.op_id, [this, m](const lg::acknowledgement& ack) {
          epoch_root root = to_epoch_root(m, books.signer_key(), ack);
          epoch_closed(root);
          return root;
        });
      }),
      on<chain_withdrawal_request>([this](const chain_withdrawal_request& m, const envelope& in) {
        auto op = chain_withdrawal_operation(chain.get(), m);
        if (!op.ok()) return refuse(ctx, in, op.err());
        queue_operation<ledger_ack>(
            *this, in, chain_withdrawal_op_id(m), [](const lg::acknowledgement& ack) { return to_ledger_ack(ack); },
            std::move(*op));
      }),
      on<chain_withdrawal_proof_query>([this](const chain_withdrawal_proof_query& q) -> result<chain_withdrawal_proof> {
        static const chain_identities none;
        return withdrawal_proof_of(books.state().withdrawn_at_close(), q.account, chain ? chain->identities() : none);
      }),
      on<completion_receipt>(
          [this](const completion_receipt& receipt, const envelope& in) { settle_from_receipt(receipt, in); }),
      on<balance_query>([this](const balance_query& q) -> result<balance_reply> {
        IG_TRY(check_own_account(ctx, q.account, role_coordinator));
        const lg::account* a = books.state().find(q.account);
        if (a == nullptr) return make_error(error_code::not_found, "no account " + q.account);
        return balance_reply{q.account, static_cast<std::uint8_t>(a->kind), a->balance_micro, a->staked_micro,
                             a->unbonding_micro, a->escrowed_micro};
      }),
      on<entries_query>([this](const entries_query& q) -> result<entries_reply> { return find_entries(books, q); }),
      on<account_history_query>([this](const account_history_query& q) -> result<entries_reply> {
        IG_TRY(check_own_account(ctx, q.account, role_coordinator));
        return account_history_of(books, q);
      }),
      on<ledger_view_query>([this](const ledger_view_query& q) -> result<ledger_view_report> {
        const bool with_account_data = (ctx.sender_roles() & role_coordinator) != 0;
        auto view = make_ledger_view(books, q, with_account_data);
        if (!view.ok()) return view;
        view->epoch_driver = epochs.view();
        if (chain) view->chain = chain->view_for_metrics();
        if (with_account_data) {
          auto earned = earnings.newest(books, q.earnings_epochs);
          if (!earned.ok()) return earned.err();
          view->earnings = std::move(earned).value();
        }
        return view;
      }),
      on<stake_query>([this](const stake_query& q) -> result<stake_reply> {
        IG_TRY(check_own_account(ctx, q.account, role_coordinator));
        const lg::account* a = books.state().find(q.account);
        if (a == nullptr) return make_error(error_code::not_found, "no account " + q.account);
        return stake_reply{q.account, a->staked_micro, a->unbonding_micro, books.state().schedulable(q.account),
                           books.state().can_vote(q.account)};
      }),
  };
}

// Stops after the node's other actors: a bridge settles or refunds each escrow it drains as it stops.
IG_REGISTER_ACTOR_KIND_STOPPING_LAST("settlement", settlement_state);

}  // namespace infergrid
