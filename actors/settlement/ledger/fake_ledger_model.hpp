#pragma once
// fake_ledger_model: a second, deliberately naive model of the ledger's money rules for the
// property test. It predicts whether each simple operation succeeds and what it does to every
// bucket; for slashes and epoch rewards (whose split it does not re-derive) it checks the
// structural rules — money conserved, forfeit = floor(bonded * slash_bps), paid + remainder = pool —
// and then adopts the ledger's postings.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/settlement/ledger/ledger_config.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"
#include "actors/settlement/ledger/outcome.hpp"

namespace infergrid::ledger::testing {

struct model_account {
  account_kind kind = account_kind::developer;
  micro_units buckets[bucket_count] = {0, 0, 0, 0};
  std::vector<unbonding> unbondings;
};

struct model_escrow {
  std::string payer;
  micro_units held_micro = 0;
  micro_units prompt_price_per_1k_micro = 0;
  micro_units completion_price_per_1k_micro = 0;
  struct paid_claim {
    std::string miner;
    std::optional<std::int64_t> first_index;
    std::int64_t tokens = 0;
  };
  std::vector<paid_claim> paid;  // by partial settlements: each position once (each miner once without positions)
};

class fake_ledger_model {
 public:
  explicit fake_ledger_model(ledger_config config) : config_(std::move(config)) {}

  // Whether the op should succeed; when it does, the model is updated (expected_postings may be
  // compared against the ledger's outcome by the caller through accounts()).
  bool predict_and_apply(const operation& op);
  // For ops whose effects the model only checks structurally: validate and adopt the postings.
  // Returns a description of the violated rule, or "" when the postings are acceptable.
  std::string adopt(const operation& op, const outcome& out);
  static bool adopts(const operation& op) {
    return std::holds_alternative<verdict_op>(op) || std::holds_alternative<epoch_close_op>(op);
  }

  const std::map<std::string, model_account>& accounts() const { return accounts_; }
  const std::map<std::string, model_escrow>& escrows() const { return escrows_; }
  micro_units supply_micro() const { return supply_micro_; }
  std::int64_t epoch() const { return epoch_; }
  // Compares one account with the ledger's; "" when equal.
  std::string compare(const std::string& id, const ledger_state& state) const;

 private:
  micro_units& at(const std::string& id, bucket b) { return accounts_[id].buckets[static_cast<int>(b)]; }
  micro_units get(const std::string& id, bucket b) const;
  // A settlement's or partial settlement's payment (false: refused); returns the cost through *cost.
  bool pay(const settlement_receipt& receipt, model_escrow& e, micro_units* cost);

  ledger_config config_;
  std::map<std::string, model_account> accounts_;
  std::map<std::string, model_escrow> escrows_;
  std::map<std::string, bool> closed_;
  micro_units supply_micro_ = 0;
  std::int64_t epoch_ = 0;
};

}  // namespace infergrid::ledger::testing
