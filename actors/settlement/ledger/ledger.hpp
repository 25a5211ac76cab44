#pragma once
// ledger: the durable settlement ledger — ledger_state (the rules) over ledger_store (SQLite), each
// mutation an idempotent, signed, hash-chained entry. submit() is group commit: a batch of commands
// in one transaction, each acknowledged only once that transaction is committed (and, when durable,
// fsynced). A command whose op_id is already recorded with the same operation returns the original
// outcome (replayed = true); with a different operation it is a conflict. A command that fails its
// checks (insufficient funds, bad signature, ...) records nothing and returns the error.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "actors/settlement/ledger/entry.hpp"
#include "actors/settlement/ledger/ledger_config.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"
#include "actors/settlement/ledger/ledger_store.hpp"
#include "actors/settlement/ledger/stored_request_index.hpp"
#include "actors/settlement/ledger/writer_lock.hpp"
#include "runtime/identity.hpp"

namespace infergrid::ledger {

inline constexpr std::size_t op_id_bytes_max = 128;   // op ids are message ids or request-derived names
inline constexpr std::size_t cause_id_bytes_max = 320;  // "node/actor#message_id" of the causing message
inline constexpr std::size_t batch_commands_max = 4096;  // commands per group commit

struct ledger_options {
  std::string path = "infergrid-ledger.db";  // ":memory:" for a throwaway ledger
  // synchronous=FULL: an acknowledged command survives power loss. OFF only for tests and bulk loads.
  bool durable = true;
  // The config a new ledger is created with. An existing ledger keeps the config it was created
  // with: a different one here is an error unless use_stored_config is set.
  ledger_config config{};
  bool use_stored_config = false;
};

class ledger {
 public:
  // Opens or creates the ledger and rebuilds its state by replaying the entries. Holds the file's
  // writer_lock while open: a second writer (another process) is refused with error_code::conflict.
  static result<ledger> open(const ledger_options& options, identity signer);

  std::vector<result<acknowledgement>> submit(std::span<const command> batch);
  result<acknowledgement> submit_one(const command& c);

  const ledger_state& state() const { return state_; }
  const ledger_config& config() const { return state_.config(); }
  ledger_store& store() { return store_; }
  std::uint64_t last_seq() const { return last_seq_; }
  const digest& last_hash() const { return last_hash_; }
  const public_key& signer_key() const { return signer_.public_id(); }

 private:
  ledger(ledger_store store, std::unique_ptr<stored_request_index> requests, ledger_config config, identity signer)
      : store_(std::move(store)),
        requests_(std::move(requests)),
        state_(std::move(config), requests_.get()),
        signer_(std::move(signer)) {}
  status replay();
  result<acknowledgement> submit_in_transaction(const command& c, std::vector<entry>& pending);
  status write_back(const std::vector<std::string>& touched);

  writer_lock lock_;
  ledger_store store_;
  // Escrowed request ids live in the file, not in state_ (declared after store_: closed before it).
  std::unique_ptr<stored_request_index> requests_;
  ledger_state state_;
  identity signer_;
  std::uint64_t last_seq_ = 0;
  digest last_hash_ = genesis_hash;
};

// Accounts an operation concerns (for history): its named accounts plus everyone it posted to.
std::vector<std::string> involved_accounts(const operation& op, const outcome& out);

}  // namespace infergrid::ledger
