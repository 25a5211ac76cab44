#include "actors/settlement/ledger/ledger.hpp"

#include <algorithm>
#include <set>

#include "actors/settlement/ledger/ledger_assert.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"

namespace infergrid::ledger {
namespace {

constexpr const char* config_key = "config";
constexpr const char* signer_key_name = "signer";

template <class... visitors>
struct overloaded : visitors... {
  using visitors::operator()...;
};

result<ledger_config> settle_config(ledger_store& store, const ledger_options& options, const public_key& signer) {
  auto stored = store.meta(config_key);
  if (!stored) return stored.err();
  if (!stored->has_value()) {
    IG_TRY(validate_config(options.config));
    msgpack::sbuffer buffer;
    msgpack::pack(buffer, options.config);
    IG_TRY(store.set_meta(config_key, byte_vector(buffer.data(), buffer.data() + buffer.size())));
    IG_TRY(store.set_meta(signer_key_name, byte_vector(signer.begin(), signer.end())));
    return options.config;
  }
  ledger_config config;
  try {
    const auto& bytes = **stored;
    msgpack::unpack(reinterpret_cast<const char*>(bytes.data()), bytes.size()).get().convert(config);
  } catch (const std::exception& e) {
    return make_error(error_code::malformed_input, std::string("stored ledger config does not decode: ") + e.what());
  }
  if (!options.use_stored_config && !(config == options.config)) {
    ledger_config other_custody = config;
    other_custody.slashes_on_chain = options.config.slashes_on_chain;
    if (other_custody == options.config) {
      return make_error(error_code::conflict, "ledger " + options.path + " was created " +
                                                  (config.slashes_on_chain ? "with" : "without") +
                                                  " stakes in custody on a chain (chain_endpoint / chain_deployment): "
                                                  "its slashes cannot change custody; use a new ledger file (db)");
    }
    return make_error(error_code::conflict, "ledger " + options.path + " was created with a different config");
  }
  return config;
}

// A ledger has one signer, recorded when it was created: an entry sealed with another key would
// make verify fail for good ("signed by a key that is not the ledger's signer"), so a ledger is
// opened only with its own key (a mistyped --key path or settings.key used to create a fresh key
// and write with it).
status check_signer(ledger_store& store, const std::string& path, const public_key& signer) {
  auto stored = store.meta(signer_key_name);
  if (!stored) return stored.err();
  if (!stored->has_value()) return {};  // a ledger from before the signer was recorded
  const byte_vector& recorded = **stored;
  if (recorded.size() == signer.size() && std::equal(recorded.begin(), recorded.end(), signer.begin())) return {};
  return make_error(error_code::permission_denied,
                    "ledger " + path + " is signed by key " + to_hex(recorded).substr(0, 16) + "…, not by the key given (" +
                        to_hex(signer).substr(0, 16) +
                        "…): open it with its signer's key file (<db>.key unless the ledger was created with another)");
}

}  // namespace

std::vector<std::string> involved_accounts(const operation& op, const outcome& out) {
  std::set<std::string> ids;
  std::visit(overloaded{
                 [&](const deposit_op& o) { ids.insert(o.account); },
                 [&](const withdraw_op& o) { ids.insert(o.account); },
                 [&](const mint_op& o) { ids.insert(o.account); },
                 [&](const burn_op& o) { ids.insert(o.account); },
                 [&](const transfer_op& o) { ids.insert({o.from, o.to}); },
                 [&](const stake_op& o) { ids.insert(o.account); },
                 [&](const unbond_op& o) { ids.insert(o.account); },
                 [&](const withdraw_unbonded_op& o) { ids.insert(o.account); },
                 [&](const escrow_op& o) { ids.insert(o.payer); },
                 [&](const settle_op& o) { ids.insert(o.receipt.miner); },
                 [&](const refund_op&) {},
                 [&](const verdict_op& o) { ids.insert({o.body.miner, o.body.validator}); },
                 [&](const epoch_close_op&) {},
                 [&](const partial_settle_op& o) { ids.insert(o.receipt.miner); },
                 [&](const unbonding_paid_op& o) { ids.insert(o.account); },
                 [&](const chain_slash_op& o) {
                   ids.insert(o.miner);
                   ids.insert(o.voters.begin(), o.voters.end());
                 },
             },
             op);
  for (const posting& p : out.postings) ids.insert(p.account);
  return {ids.begin(), ids.end()};
}

result<ledger> ledger::open(const ledger_options& options, identity signer) {
  auto store = ledger_store::open(options.path, options.durable);
  if (!store) return store.err();
  writer_lock lock;
  if (options.path != ":memory:") {
    auto locked = writer_lock::acquire(options.path);
    if (!locked) return locked.err();
    lock = std::move(*locked);
  }
  auto config = settle_config(*store, options, signer.public_id());
  if (!config) return config.err();
  IG_TRY(check_signer(*store, options.path, signer.public_id()));
  auto requests = stored_request_index::open(*store);
  if (!requests) return requests.err();
  ledger opened(std::move(*store), std::move(*requests), std::move(*config), std::move(signer));
  opened.lock_ = std::move(lock);
  IG_TRY(opened.replay());
  return opened;
}

status ledger::replay() {
  state_ = ledger_state(state_.config(), requests_.get());
  last_seq_ = 0;
  last_hash_ = genesis_hash;
  requests_->indexed_through(entries_scan_max);  // the committed entries are indexed already
  IG_TRY(store_.scan(1, [this](const entry& e) -> status {
    if (e.seq != last_seq_ + 1 || e.prev_hash != last_hash_) {
      return make_error(error_code::malformed_input, "entry " + std::to_string(e.seq) + " breaks the chain; run verify");
    }
    auto op = decode_operation(e.op_bytes);
    if (!op) return make_error(op.err().code, "entry " + std::to_string(e.seq) + ": " + op.err().message);
    auto out = state_.apply(*op);
    if (!out || encode_outcome(*out) != e.outcome_bytes) {
      return make_error(error_code::malformed_input, "entry " + std::to_string(e.seq) + " does not replay; run verify");
    }
    IG_LEDGER_ASSERT(state_.applied() == e.seq);
    last_seq_ = e.seq;
    last_hash_ = e.hash;
    return {};
  }));
  requests_->indexed_through(last_seq_);
  (void)state_.take_touched();
  return {};
}

result<acknowledgement> ledger::submit_in_transaction(const command& c, std::vector<entry>& pending) {
  if (c.op_id.empty() || c.op_id.size() > op_id_bytes_max || c.cause_id.size() > cause_id_bytes_max) {
    return make_error(error_code::invalid_argument, "op id must be 1 to 128 bytes (cause id at most 320)");
  }
  byte_vector op_bytes = encode_operation(c.op);
  std::optional<entry> recorded;
  if (auto in_batch = std::find_if(pending.begin(), pending.end(), [&](const entry& e) { return e.op_id == c.op_id; });
      in_batch != pending.end()) {
    recorded = *in_batch;
  } else {
    auto found = store_.find_op(c.op_id);
    if (!found) return found.err();
    recorded = std::move(*found);
  }
  if (recorded) {
    if (recorded->op_bytes != op_bytes) {
      return make_error(error_code::conflict, "op id " + c.op_id + " was already used for a different operation");
    }
    auto out = decode_outcome(recorded->outcome_bytes);
    if (!out) return out.err();
    return acknowledgement{recorded->seq, byte_vector(recorded->hash.begin(), recorded->hash.end()), std::move(*out), true};
  }
  auto out = state_.apply(c.op);
  if (!out) return out.err();
  IG_LEDGER_ASSERT(state_.applied() == last_seq_ + 1);  // the request index is asked by entry seq
  entry e{.seq = last_seq_ + 1, .prev_hash = last_hash_, .op_id = c.op_id, .cause_id = c.cause_id,
          .op_bytes = std::move(op_bytes), .outcome_bytes = encode_outcome(*out)};
  seal_entry(e, signer_);
  IG_TRY(store_.append(e, involved_accounts(c.op, *out)));
  if (const auto* close = std::get_if<epoch_close_op>(&c.op)) {
    IG_TRY(store_.write_epoch_root(epoch_root{close->epoch, e.seq, e.hash}));
  }
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  acknowledgement ack{e.seq, byte_vector(e.hash.begin(), e.hash.end()), std::move(*out), false};
  pending.push_back(std::move(e));
  return ack;
}

status ledger::write_back(const std::vector<std::string>& touched) {
  for (const std::string& id : touched) {
    const account* a = state_.find(id);
    IG_LEDGER_ASSERT(a != nullptr);
    IG_TRY(store_.write_account(id, *a));
  }
  return {};
}

std::vector<result<acknowledgement>> ledger::submit(std::span<const command> batch) {
  std::vector<result<acknowledgement>> acks;
  if (batch.size() > batch_commands_max) {
    acks.assign(batch.size(), make_error(error_code::too_large, "batch larger than 4096 commands"));
    return acks;
  }
  acks.reserve(batch.size());
  const std::uint64_t seq_before = last_seq_;
  status transaction = store_.begin();
  std::vector<entry> pending;
  for (std::size_t i = 0; transaction && i < batch.size(); ++i) {
    auto ack = submit_in_transaction(batch[i], pending);
    // An error from SQLite aborts the batch; an error of the command itself is its answer only.
    if (!ack && ack.err().code == error_code::io_error) transaction = ack.err();
    acks.push_back(std::move(ack));
  }
  if (transaction) transaction = write_back(state_.take_touched());
  if (transaction) transaction = store_.commit();
  if (!transaction) {
    store_.rollback();
    // The in-memory state ran ahead of the rolled-back transaction: rebuild it from the database.
    status rebuilt = replay();
    IG_LEDGER_ASSERT(!rebuilt || last_seq_ == seq_before);
    acks.assign(batch.size(), make_error(error_code::io_error, "ledger write failed, nothing recorded: " +
                                                                   transaction.err().message));
  }
  return acks;
}

result<acknowledgement> ledger::submit_one(const command& c) { return std::move(submit(std::span(&c, 1)).front()); }

}  // namespace infergrid::ledger
