#include "actors/gpu_worker/cheat_mode.hpp"

#include <cstdlib>
#include <map>

#include "actors/gpu_worker/receipt_signing.hpp"
#include "kernels/model/embedding_vector.hpp"

namespace infergrid::gpu_worker {
namespace {

const std::map<std::string, cheat_mode>& cheat_names() {
  static const std::map<std::string, cheat_mode> names = {
      {"none", cheat_mode::none},
      {"random_tokens", cheat_mode::random_tokens},
      {"truncate", cheat_mode::truncate},
      {"replay_old", cheat_mode::replay_old},
      {"inflate_count", cheat_mode::inflate_count},
      {"wrong_model_hash", cheat_mode::wrong_model_hash},
      {"forge_signature", cheat_mode::forge_signature},
      {"missing_signature", cheat_mode::missing_signature},
  };
  return names;
}

bool test_cheats_allowed() {
  const char* value = std::getenv(test_cheats_env);
  return value != nullptr && std::string(value) == "1";
}

}  // namespace

status allow_test_only(const std::string& setting) {
  if (test_cheats_allowed()) return {};
  return make_error(error_code::invalid_argument, "'" + setting + "' is a test-only setting (set " +
                                                      std::string(test_cheats_env) + "=1 in a test)");
}

result<cheat_mode> read_cheat_mode(const std::string& name) {
  if (name.empty()) return cheat_mode::none;
  const auto found = cheat_names().find(name);
  if (found == cheat_names().end()) return make_error(error_code::invalid_argument, "unknown cheat mode '" + name + "'");
  if (found->second != cheat_mode::none) IG_TRY(allow_test_only("cheat: " + name));
  return found->second;
}

model::token_id token_cheat::replace(model::token_id honest, std::uint32_t position, std::uint32_t max_tokens,
                                     const model::tokenizer& vocab) {
  switch (mode_) {
    case cheat_mode::random_tokens:
      return static_cast<model::token_id>(rng_() % vocab.vocab_size());
    case cheat_mode::truncate:
      return position + 1 >= std::max<std::uint32_t>(max_tokens / 2, 1) ? vocab.eos_id() : honest;
    case cheat_mode::replay_old:
      return position < remembered_.size() ? remembered_[position] : honest;
    default:
      return honest;
  }
}

void token_cheat::replace_embedding(std::vector<float>& embedding) {
  if (mode_ != cheat_mode::random_tokens) return;
  std::normal_distribution<float> normal;
  for (float& x : embedding) x = normal(rng_);
  model::scale_to_unit_length(embedding);
}

void token_cheat::remember(const std::vector<std::int32_t>& output) {
  if (mode_ == cheat_mode::replay_old && remembered_.empty()) remembered_ = output;
}

void cheat_before_signing(cheat_mode mode, completion_receipt& receipt) {
  if (mode == cheat_mode::inflate_count) receipt.completion_token_count *= 2;
  if (mode == cheat_mode::wrong_model_hash) receipt.model_hash = std::string(receipt.model_hash.size(), '0');
}

void cheat_after_signing(cheat_mode mode, completion_receipt& receipt) {
  if (mode == cheat_mode::forge_signature) sign_receipt(receipt, identity::generate());
  if (mode == cheat_mode::missing_signature) {
    receipt.signature.clear();
    receipt.settlement_signature.clear();
  }
}

}  // namespace infergrid::gpu_worker
