#include "actors/validator/audit_replay.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "actors/gpu_worker/seeded_sampling.hpp"
#include "actors/validator/embedding_audit.hpp"
#include "actors/validator/receipt_checks.hpp"
#include "kernels/engine/answer_replay.hpp"
#include "kernels/model/logit_sums.hpp"
#include "kernels/model/sampler.hpp"
#include "kernels/model/token_fingerprint.hpp"

namespace infergrid::validator {
namespace {

enum class token_verdict { same, rank_swap, near_tie, implausible };

// What the validator's distribution says about the miner's token at one generated position.
struct position_check {
  token_verdict token = token_verdict::same;
  double logprob_deviation = 0;
  bool fingerprint_mismatch = false;
};

struct raw_ranking {
  std::int32_t top = 0;
  double top_logprob = 0;
  double second_logprob = -INFINITY;
  double normaliser = 0;
};

raw_ranking rank_raw(std::span<const float> logits) {
  raw_ranking r;
  const model::row_summary row = model::summarize_row(logits);
  r.normaliser = row.log_sum_exp();
  const std::size_t top = row.argmax;
  // The runner-up: the largest logit of every other token (the top's own value when it is tied).
  const float second = std::max(model::max_logit(logits.first(top)), model::max_logit(logits.subspan(top + 1)));
  r.top = static_cast<std::int32_t>(top);
  r.top_logprob = logits[top] - r.normaliser;
  r.second_logprob = second - r.normaliser;
  return r;
}

// The seeded draw at generated position `position` replayed on the validator's logits.
token_verdict check_draw(const sampling_params& sampling, std::span<const float> logits,
                         std::span<const std::int32_t> history, std::uint32_t position, std::int32_t token,
                         const audit_tolerances& tolerances) {
  model::sampler_config config = gpu_worker::to_sampler_config(sampling);
  config.seed = gpu_worker::position_seed(sampling.seed, position);
  model::sampler replay(config);
  const std::size_t window = static_cast<std::size_t>(std::max(sampling.repeat_last_n, 0));
  for (std::size_t i = history.size() > window ? history.size() - window : 0; i < history.size(); ++i) replay.accept(history[i]);
  const std::optional<model::draw_interval> drawn = replay.interval_of(logits, token);
  if (sampling.temperature <= 0.0f) {
    if (drawn) return token_verdict::same;
    // Against the best token the sampler could pick (the mask may have ruled out the raw argmax).
    const double gap = model::max_logit(logits) - logits[static_cast<std::size_t>(token)];
    return gap <= tolerances.near_tie_logprob ? token_verdict::near_tie : token_verdict::implausible;
  }
  const double u = replay.next_uniform();
  if (drawn && u >= drawn->low && u < drawn->high) return token_verdict::same;
  // Rounding noise: the token's interval once its neighbours within rank_swap_free_logit rank either way.
  if (const auto swapped = replay.loose_interval_of(logits, token, tolerances.rank_swap_free_logit);
      swapped && u >= swapped->low && u < swapped->high) {
    return token_verdict::rank_swap;
  }
  // Another device's logits may have ranked the tokens near this one's logit the other way (or kept
  // a token at the cuts' edge): the widest interval it could have had there.
  const std::optional<model::draw_interval> loose = replay.loose_interval_of(logits, token, tolerances.rank_tie_logit);
  if (!loose) return token_verdict::implausible;  // well outside the top-k / top-p / min-p candidates
  const double distance = u < loose->low ? loose->low - u : u >= loose->high ? u - loose->high : 0.0;
  return distance <= tolerances.near_tie_cdf ? token_verdict::near_tie : token_verdict::implausible;
}

// `draw_logits`: what the miner's sampler saw (masked for output_format json_object); the
// fingerprint is of the raw `logits`.
position_check check_position(const sampling_params& sampling, std::span<const float> logits,
                              std::span<const float> draw_logits, std::span<const std::int32_t> history,
                              std::uint32_t position, std::int32_t token, const model::token_fingerprint& claimed,
                              const audit_tolerances& tolerances) {
  const raw_ranking raw = rank_raw(logits);
  position_check out;
  out.token = check_draw(sampling, draw_logits, history, position, token, tolerances);
  const double own = logits[static_cast<std::size_t>(token)] - raw.normaliser;
  // Both far in the saturated tail: the fingerprint cannot say more.
  const double floor = -4095 * model::fingerprint_logprob_step;
  out.logprob_deviation = std::abs(std::max(own, floor) - static_cast<double>(claimed.chosen_logprob));
  const bool argmax_clear = raw.top_logprob - raw.second_logprob > tolerances.argmax_tie_margin;
  const bool argmax_differs = (static_cast<std::uint32_t>(raw.top) & model::fingerprint_argmax_mask) != claimed.argmax_bits;
  out.fingerprint_mismatch = out.logprob_deviation > tolerances.logprob_tolerance || (argmax_clear && argmax_differs);
  return out;
}

// The evidence of checked positions, the first of them at position `first`.
audit_evidence tally(std::span<const position_check> checks, std::uint32_t first) {
  audit_evidence evidence;
  double deviation_sum = 0;
  for (std::uint32_t k = 0; k < checks.size(); ++k) {
    const position_check& c = checks[k];
    ++evidence.tokens_checked;
    evidence.near_ties += c.token == token_verdict::near_tie ? 1 : 0;
    evidence.rank_swaps += c.token == token_verdict::rank_swap ? 1 : 0;
    evidence.implausible_tokens += c.token == token_verdict::implausible ? 1 : 0;
    evidence.fingerprint_mismatches += c.fingerprint_mismatch ? 1 : 0;
    if (evidence.first_bad_position < 0 && (c.token == token_verdict::implausible || c.fingerprint_mismatch)) {
      evidence.first_bad_position = static_cast<std::int32_t>(first + k);
    }
    deviation_sum += c.logprob_deviation;
    evidence.logprob_deviation_max = std::max(evidence.logprob_deviation_max, static_cast<float>(c.logprob_deviation));
  }
  evidence.logprob_deviation_mean = checks.empty() ? 0.0f : static_cast<float>(deviation_sum / static_cast<double>(checks.size()));
  return evidence;
}

std::uint32_t allowance(double fraction, std::uint32_t free, std::uint32_t checked) {
  return free + static_cast<std::uint32_t>(std::floor(fraction * checked));
}

audit_outcome judge(audit_evidence evidence, const audit_tolerances& tolerances) {
  audit_outcome out;
  const std::uint32_t n = evidence.tokens_checked;
  const auto guilty = [&](std::string reason, std::string detail) {
    out.guilty = true;
    out.reason = std::move(reason);
    out.detail = std::move(detail);
  };
  if (evidence.implausible_tokens > tolerances.implausible_tokens_max) {
    guilty("tokens", std::to_string(evidence.implausible_tokens) + " of " + std::to_string(n) +
                         " tokens are not the stated sampler's draw (first at position " +
                         std::to_string(evidence.first_bad_position) + ")");
  } else if (evidence.near_ties > allowance(tolerances.near_tie_fraction_max, tolerances.near_ties_free, n)) {
    guilty("tokens", std::to_string(evidence.near_ties) + " of " + std::to_string(n) + " tokens are near-tie draws");
  } else if (evidence.fingerprint_mismatches >
             allowance(tolerances.fingerprint_fraction_max, tolerances.fingerprint_mismatches_free, n)) {
    guilty("fingerprints", std::to_string(evidence.fingerprint_mismatches) + " of " + std::to_string(n) +
                               " fingerprints disagree (max logprob deviation " +
                               std::to_string(evidence.logprob_deviation_max) + " nats)");
  } else if (n >= tolerances.mean_tokens_min && evidence.logprob_deviation_mean > tolerances.logprob_mean_tolerance) {
    guilty("fingerprints", "mean logprob deviation " + std::to_string(evidence.logprob_deviation_mean) + " nats over " +
                               std::to_string(n) + " tokens");
  }
  out.evidence = evidence;
  return out;
}

// The replay and the per-position checks of `output` (generated positions from 0) after `history`
// (the prompt): positions before `first_index` are teacher-forced only; those from it are checked
// against `fingerprints` (one per position from first_index).
result<audit_outcome> replay_and_judge(audit_model& model, const inference_request& request, std::vector<std::int32_t> history,
                                       std::span<const std::int32_t> output, std::uint32_t first_index,
                                       std::span<const std::uint8_t> fingerprints, const audit_tolerances& tolerances) {
  const std::size_t prompt_count = history.size();
  // The replay feeds the prompt and every output token but the last (drawn, never fed back): a job
  // that ran to the end of its context has one token more than the positions it used.
  const std::size_t positions = prompt_count + (output.empty() ? 0 : output.size() - 1);
  if (positions > model.engine.context_size()) {
    return make_error(error_code::too_large, "the job's " + std::to_string(positions) +
                                                 " positions exceed the validator's context");
  }
  // The worker's output_format mask, replayed (its errors: no verdict).
  const model::compiled_schema* compiled = nullptr;
  if (request.sampling.output_format == "json_schema" && model.schemas != nullptr) {
    auto cached = model.schemas->get(request.sampling);
    if (!cached.ok()) return cached.err();
    compiled = *cached;
  }
  auto constraint = gpu_worker::output_constraint::make(request.sampling, compiled);
  if (!constraint.ok()) return constraint.err();
  std::optional<gpu_worker::output_masks> own_masks;  // when the caller keeps none
  const gpu_worker::output_masks* masks = nullptr;
  if (!request.sampling.output_format.empty()) {
    if (model.masks == nullptr) own_masks.emplace(model.vocab);
    masks = model.masks != nullptr ? model.masks : &*own_masks;
  }
  const auto started = std::chrono::steady_clock::now();
  // Logits for output[0] end the prompt's prefill; those for output[1..] come from one scored prefill
  // of output[0..n-2] (teacher forcing).
  auto rows = engine::replay_answer(model.engine, 0, history, output);
  if (!rows.ok()) return rows.err();
  const auto replayed = std::chrono::steady_clock::now();
  // The positions are checked a window at a time: the mask (stateful) serially, then the window's
  // checks — each a few passes over its row — in parallel on the pool. Unmasked jobs: one window;
  // masked ones keep a masked copy of each row of the window.
  const std::uint32_t checked_from = std::min<std::uint32_t>(first_index, static_cast<std::uint32_t>(output.size()));
  const std::size_t threads = model.checks != nullptr ? model.checks->threads() : 1;
  const std::size_t window = std::max<std::size_t>(1, masks != nullptr ? 2 * threads : output.size());
  std::vector<std::vector<float>> masked(masks != nullptr ? window : 0);
  std::vector<std::span<const float>> draw_rows(window);
  std::vector<position_check> checks(output.size());
  history.reserve(prompt_count + output.size());
  for (std::uint32_t i = 0; i < checked_from; ++i) history.push_back(output[i]);
  const auto logits_at = [&](std::uint32_t i) { return rows->row(i); };
  for (std::uint32_t start = checked_from; start < output.size(); start += static_cast<std::uint32_t>(window)) {
    const std::uint32_t end = std::min<std::uint32_t>(start + static_cast<std::uint32_t>(window), static_cast<std::uint32_t>(output.size()));
    for (std::uint32_t i = start; i < end; ++i) {
      draw_rows[i - start] = masks != nullptr ? constraint->apply(*masks, std::span(history).subspan(prompt_count), logits_at(i),
                                                                  masked[i - start])
                                              : logits_at(i);
      history.push_back(output[i]);
    }
    const auto check = [&](std::size_t k) {
      const auto i = static_cast<std::uint32_t>(start + k);
      const auto claimed = model::fingerprint_at(fingerprints, i - first_index);
      checks[i] = check_position(request.sampling, logits_at(i), draw_rows[k], std::span(history).first(prompt_count + i), i,
                                 output[i], claimed, tolerances);
    };
    if (model.checks != nullptr) {
      model.checks->run(end - start, check);
    } else {
      for (std::size_t k = 0; k < end - start; ++k) check(k);
    }
  }
  audit_evidence evidence = tally(std::span(checks).subspan(checked_from), checked_from);
  const auto checked = std::chrono::steady_clock::now();
  evidence.replay_ms = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(checked - started).count());
  audit_outcome outcome = judge(evidence, tolerances);
  outcome.device_ms = std::chrono::duration<double, std::milli>(replayed - started).count();
  outcome.checks_ms = std::chrono::duration<double, std::milli>(checked - replayed).count();
  return outcome;
}

std::vector<std::int32_t> prompt_of(const audit_model& model, const inference_request& request) {
  return request.prompt_tokens.empty() ? model.vocab.encode(request.prompt) : request.prompt_tokens;
}

}  // namespace

result<audit_outcome> audit_job(audit_model& model, const inference_request& request, const completion_receipt& receipt,
                                const audit_tolerances& tolerances) {
  if (request.model != model.model_name || receipt.model != model.model_name) {
    return make_error(error_code::not_found, "this validator replays '" + model.model_name + "', not '" + receipt.model + "'");
  }
  std::vector<std::int32_t> history = prompt_of(model, request);
  if (request.embedding) return audit_embedding(model, request, receipt, history, tolerances);
  if (auto failed = check_receipt(model.vocab, model.model_hash, request, history, receipt)) {
    return audit_outcome{true, failed->reason, failed->detail, {}};
  }
  return replay_and_judge(model, request, std::move(history), receipt.output_tokens, receipt.first_index,
                          receipt.fingerprints, tolerances);
}

result<audit_outcome> audit_segment(audit_model& model, const inference_request& request, const claimed_segment& segment,
                                    const audit_tolerances& tolerances) {
  if (request.model != model.model_name) {
    return make_error(error_code::not_found, "this validator replays '" + model.model_name + "', not '" + request.model + "'");
  }
  if (request.embedding) return make_error(error_code::invalid_argument, "an embedding job streams no segments");
  std::vector<std::int32_t> history = prompt_of(model, request);
  if (auto failed = check_segment(model.vocab, request, history, segment)) {
    return audit_outcome{true, failed->reason, failed->detail, {}};
  }
  return replay_and_judge(model, request, std::move(history), segment.output_tokens, segment.first_index,
                          segment.fingerprints, tolerances);
}

}  // namespace infergrid::validator
