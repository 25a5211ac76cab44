#include "actors/validator/validator_config.hpp"

#include <filesystem>

#include "actors/gpu_worker/loaded_model.hpp"

namespace infergrid::validator {
namespace {

status read_tolerances(const settings& config, audit_tolerances& t) {
  IG_TRY(read_setting(config, "near_tie_cdf", t.near_tie_cdf));
  IG_TRY(read_setting(config, "rank_tie_logit", t.rank_tie_logit));
  IG_TRY(read_setting(config, "rank_swap_free_logit", t.rank_swap_free_logit));
  IG_TRY(config.require_that(t.rank_swap_free_logit >= 0 && t.rank_swap_free_logit <= t.rank_tie_logit, "rank_swap_free_logit",
                             "must be 0..rank_tie_logit"));
  IG_TRY(config.require_that(t.rank_tie_logit >= 0, "rank_tie_logit", "must be >= 0"));
  IG_TRY(read_setting(config, "near_tie_logprob", t.near_tie_logprob));
  IG_TRY(read_setting(config, "near_tie_fraction_max", t.near_tie_fraction_max));
  IG_TRY(read_setting(config, "near_ties_free", t.near_ties_free));
  IG_TRY(read_setting(config, "implausible_tokens_max", t.implausible_tokens_max));
  IG_TRY(read_setting(config, "logprob_tolerance", t.logprob_tolerance));
  IG_TRY(read_setting(config, "logprob_mean_tolerance", t.logprob_mean_tolerance));
  IG_TRY(read_setting(config, "mean_tokens_min", t.mean_tokens_min));
  IG_TRY(read_setting(config, "fingerprint_fraction_max", t.fingerprint_fraction_max));
  IG_TRY(read_setting(config, "fingerprint_mismatches_free", t.fingerprint_mismatches_free));
  IG_TRY(read_setting(config, "argmax_tie_margin", t.argmax_tie_margin));
  IG_TRY(read_setting(config, "embedding_cosine_min", t.embedding_cosine_min));
  return {};
}

}  // namespace

result<validator_config> read_validator_config(const settings& config) {
  IG_TRY(config.reject_unknown_keys({"model_path", "model_name", "device", "context_size", "batch_tokens", "kv_cache_type", "check_threads",
                                     "identity_file", "settlement", "matchmaker", "audit_rate", "queue_capacity",
                                     "bond_micro", "verdicts_kept", "canary_interval_ms", "canary_max_tokens",
                                     "canary_entry", "canaries_open_max", "near_tie_cdf", "rank_tie_logit", "rank_swap_free_logit", "near_tie_logprob",
                                     "near_tie_fraction_max", "near_ties_free", "implausible_tokens_max",
                                     "logprob_tolerance", "logprob_mean_tolerance", "mean_tokens_min",
                                     "fingerprint_fraction_max", "fingerprint_mismatches_free", "argmax_tie_margin",
                                     "embedding_cosine_min",
                                     "chain_key", "chain_deployment"}));
  validator_config out;
  IG_TRY(read_required_setting(config, "model_path", out.model_path));
  out.model_name = std::filesystem::path(out.model_path).stem().string();
  IG_TRY(read_setting(config, "model_name", out.model_name));
  IG_TRY(read_setting(config, "device", out.device));
  IG_TRY(read_setting(config, "context_size", out.context_size));
  IG_TRY(read_setting(config, "batch_tokens", out.batch_tokens));
  IG_TRY(gpu_worker::read_kv_cache_type(config, out.kv_cache_f16));
  IG_TRY(read_setting(config, "check_threads", out.check_threads));
  IG_TRY(read_setting(config, "identity_file", out.identity_file));
  IG_TRY(read_setting(config, "settlement", out.settlement));
  IG_TRY(read_setting(config, "matchmaker", out.matchmaker));
  IG_TRY(read_setting(config, "audit_rate", out.audit_rate));
  IG_TRY(read_setting(config, "queue_capacity", out.queue_capacity));
  IG_TRY(read_setting(config, "bond_micro", out.bond_micro));
  IG_TRY(read_setting(config, "verdicts_kept", out.verdicts_kept));
  IG_TRY(read_setting(config, "canary_interval_ms", out.canary_interval_ms));
  IG_TRY(read_setting(config, "canary_max_tokens", out.canary_max_tokens));
  IG_TRY(read_setting(config, "canary_entry", out.canary_entry));
  IG_TRY(read_setting(config, "canaries_open_max", out.canaries_open_max));
  IG_TRY(read_setting(config, "chain_key", out.chain_key));
  IG_TRY(read_setting(config, "chain_deployment", out.chain_deployment));
  IG_TRY(config.require_that(out.chain_key.empty() == out.chain_deployment.empty(),
                             out.chain_key.empty() ? "chain_deployment" : "chain_key",
                             "chain_key and chain_deployment go together (slashing on the vault)"));
  IG_TRY(read_tolerances(config, out.tolerances));
  IG_TRY(config.require_that(out.canary_max_tokens != 0, "canary_max_tokens", "must be >= 1"));
  IG_TRY(config.require_that(out.audit_rate >= 0.0 && out.audit_rate <= 1.0, "audit_rate", "must be within 0..1"));
  IG_TRY(config.require_that(out.check_threads <= 256, "check_threads", "must be 0..256"));
  IG_TRY(config.require_that(out.batch_tokens != 0, "batch_tokens", "must be >= 1"));
  return out;
}

}  // namespace infergrid::validator
