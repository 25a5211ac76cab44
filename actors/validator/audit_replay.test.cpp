// audit_replay on real engines: honest answers from the worker's own batching code (Vulkan) and from
// the CPU reference forward pass (another backend) pass at temperature 0, 0.7 and 1.0; each cheat —
// another model with the same vocabulary, a Q4_0 downgrade of the F16 model, random tokens, a
// forged early end (answers long enough to be cut), an old answer for a new prompt, inflated counts,
// a wrong model hash, a cheap model's answer with fingerprints forged through the real one — is found
// guilty with the right reason. Prints the detection table (cheat, detected, tokens to detect).
#include "actors/validator/audit_replay.hpp"
#include "actors/validator/reference_answer.hpp"

#include <gtest/gtest.h>

#include <tuple>

#include "kernels/model/json_prefix.hpp"
#include "kernels/model/json_schema_prefix.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <optional>

#include "actors/gpu_worker/chunk_claim.hpp"
#include "actors/gpu_worker/continuous_batch.hpp"
#include "actors/gpu_worker/fingerprint_forger.hpp"
#include "actors/gpu_worker/receipt_building.hpp"
#include "actors/gpu_worker/seeded_sampling.hpp"
#include "kernels/model/embedding_vector.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/model/test_support.hpp"
#include "kernels/model/token_fingerprint.hpp"
#include "kernels/reference/llama_forward.hpp"

namespace infergrid::validator {
namespace {

using gpu_worker::cheat_mode;
using gpu_worker::sequence_summary;

constexpr std::uint32_t answer_tokens = 40;
const std::vector<std::string> prompts = {
    "Once upon a time", "The little dog ran to the", "She opened the door and saw",
    "In the morning the sun", "Tom and his friend went", "A big red ball",
};

// Same seed: the same vocabulary and token embeddings; `layers` other than 2 makes another model.
std::string write_model(const std::string& name, model::ggml_type type, std::uint32_t layers) {
  model::random_llama_options o = model::random_llama_tiny(type);
  o.context_length = 256;
  o.n_layers = layers;
  const std::string path = model::testing_support::temp_path(name);
  EXPECT_TRUE(model::write_random_llama(path, o).ok());
  return path;
}

struct loaded_model {
  explicit loaded_model(const std::string& path, std::uint32_t slots, std::uint32_t output_rows = 0)
      : file(std::move(model::gguf_file::open(path)).value()),
        vocab(std::move(model::tokenizer::from_gguf(file)).value()),
        engine(std::move(engine::llama_engine::create(
                             file, {.n_slots = slots, .context_size = 256, .max_batch_tokens = 64,
                                    .max_output_rows = output_rows}))
                   .value()) {}
  model::gguf_file file;
  model::tokenizer vocab;
  engine::llama_engine engine;
};

struct models {
  std::string registered = write_model("audit_registered.gguf", model::ggml_type::f16, 2);
  std::string other = write_model("audit_other.gguf", model::ggml_type::f16, 1);  // a smaller model
  std::string downgraded = write_model("audit_q4_0.gguf", model::ggml_type::q4_0, 2);
  loaded_model validator{registered, 1, 64};
  std::string registered_hash = to_hex(validator.file.content_hash());
};

models& shared() {
  static models m;
  return m;
}

inference_request make_request(const std::string& id, const std::string& prompt, float temperature) {
  inference_request r;
  r.request_id = id;
  r.model = "tiny";
  r.prompt = prompt;
  r.max_tokens = answer_tokens;
  r.sampling.temperature = temperature;
  r.sampling.seed = 4242 + id.size();
  return r;
}

// Answers with the worker's own continuous batching on the Vulkan engine of `path`, claiming the
// registered model's hash.
// `forger`: the fingerprints are forged through the real model first (fingerprint_forger.hpp).
std::vector<std::pair<inference_request, completion_receipt>> vulkan_answers(
    const std::string& path, const std::vector<inference_request>& requests, cheat_mode cheat = cheat_mode::none,
    gpu_worker::fingerprint_forger* forger = nullptr) {
  loaded_model worker(path, 3);
  gpu_worker::continuous_batch batch(worker.engine, worker.vocab, {}, "w", cheat);
  const identity key = identity::generate();
  const model_offer offer{"tiny", shared().registered_hash, 256, "F16", 0, 100, 200};
  std::map<std::string, inference_request> by_id;
  std::vector<std::pair<inference_request, completion_receipt>> out;
  for (const auto& request : requests) {
    by_id[request.request_id] = request;
    EXPECT_TRUE(batch.admit(inference_job{request, {}, {}, "test", 0}).ok());
    // replay_old needs a first answer before the others: run each job to the end in turn.
    for (int guard = 0; guard < 1000 && !batch.idle(); ++guard) {
      for (auto& event : batch.step()) {
        if (!event.finished) continue;
        if (forger != nullptr) {
          EXPECT_TRUE(forger->forge(*event.finished).ok());
        }
        out.emplace_back(by_id[event.finished->request.request_id], build_receipt(*event.finished, offer, key, cheat));
      }
    }
  }
  return out;
}

// Receipts for answers computed on the CPU reference forward pass (another backend, F32 arithmetic
// throughout): `answer(cpu, done)` fills each request's summary, started with its prompt tokens.
template <class Answer>
std::vector<std::pair<inference_request, completion_receipt>> cpu_receipts(const std::vector<inference_request>& requests,
                                                                          Answer answer) {
  auto& m = shared();
  const identity key = identity::generate();
  const model_offer offer{"tiny", m.registered_hash, 256, "F16", 0, 100, 200};
  std::vector<std::pair<inference_request, completion_receipt>> out;
  for (const auto& request : requests) {
    auto cpu = std::move(reference::llama_forward::create(m.validator.file, 256)).value();
    sequence_summary done{request, m.validator.vocab.encode(request.prompt), 0, 0, "", {}, {}};
    answer(cpu, done);
    out.emplace_back(request, build_receipt(done, offer, key));
  }
  return out;
}

// Answers generated on the CPU reference, token by token with the worker's seeded sampler.
std::vector<std::pair<inference_request, completion_receipt>> cpu_answers(const std::vector<inference_request>& requests) {
  return cpu_receipts(requests, [](reference::llama_forward& cpu, sequence_summary& done) {
    EXPECT_TRUE(answer_on_reference(cpu, shared().validator.vocab, done).ok());
  });
}

std::vector<inference_request> requests_at(float temperature, const std::string& tag) {
  std::vector<inference_request> out;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    out.push_back(make_request(tag + "-" + std::to_string(i), prompts[i], temperature));
  }
  return out;
}

// Every audit runs twice: its positions checked one at a time, then on a pool of 3 threads (the
// masks of json jobs applied a window ahead). Both must reach the same verdict on the same evidence.
result<audit_outcome> audit(const inference_request& request, const completion_receipt& receipt) {
  auto& m = shared();
  audit_model serial{m.validator.engine, m.validator.vocab, "tiny", m.registered_hash};
  auto one = audit_job(serial, request, receipt, audit_tolerances{});
  static fork_join_pool pool(2);
  audit_model pooled{m.validator.engine, m.validator.vocab, "tiny", m.registered_hash, nullptr, nullptr, &pool};
  auto three = audit_job(pooled, request, receipt, audit_tolerances{});
  EXPECT_EQ(one.ok(), three.ok());
  if (one.ok() && three.ok()) {
    const audit_evidence &a = one->evidence, &b = three->evidence;
    EXPECT_EQ(one->guilty, three->guilty) << request.request_id;
    EXPECT_EQ(one->reason + one->detail, three->reason + three->detail) << request.request_id;
    EXPECT_EQ(std::tie(a.tokens_checked, a.implausible_tokens, a.near_ties, a.rank_swaps, a.fingerprint_mismatches,
                       a.first_bad_position, a.logprob_deviation_mean, a.logprob_deviation_max, a.embedding_cosine),
              std::tie(b.tokens_checked, b.implausible_tokens, b.near_ties, b.rank_swaps, b.fingerprint_mismatches,
                       b.first_bad_position, b.logprob_deviation_mean, b.logprob_deviation_max, b.embedding_cosine))
        << request.request_id;
  }
  return three;
}

TEST(audit_replay, honest_vulkan_and_cpu_answers_pass_at_every_temperature) {
  for (const float temperature : {0.0f, 0.7f, 1.0f}) {
    const auto tag = fmt::format("t{}", temperature);
    auto answers = vulkan_answers(shared().registered, requests_at(temperature, tag + "v"));
    const auto cpu = cpu_answers(requests_at(temperature, tag + "c"));
    answers.insert(answers.end(), cpu.begin(), cpu.end());
    ASSERT_EQ(answers.size(), 2 * prompts.size());
    for (const auto& [request, receipt] : answers) {
      auto outcome = audit(request, receipt);
      ASSERT_TRUE(outcome.ok()) << outcome.err().message;
      const audit_evidence& e = outcome->evidence;
      EXPECT_FALSE(outcome->guilty) << request.request_id << ": " << outcome->reason << " " << outcome->detail;
      EXPECT_EQ(e.tokens_checked, receipt.output_tokens.size());
      fmt::print("honest {:10} T={:.1f}: {} tokens, near ties {}, fingerprint mismatches {}, logprob deviation mean {:.4f} max {:.4f}\n",
                 request.request_id, temperature, e.tokens_checked, e.near_ties, e.fingerprint_mismatches,
                 e.logprob_deviation_mean, e.logprob_deviation_max);
    }
  }
}

// response_format json_object: the worker masks every draw, and so does the validator's replay —
// an honest constrained answer passes; an unconstrained answer to a constrained request does not.
// A stop_after string (the bridge's one-call-only tool replies) ends the answer with the token that
// completes it; the validator replays that end, and an answer that runs on past it is a false finish.
// A job that ran to the end of the context (finish "context") has one token more than positions
// it fed: its last token is drawn, never fed back. It is audited like any other (it was skipped as
// "the job's 257 positions exceed the validator's context" of 256, so such jobs went unchecked).
TEST(audit_replay, an_answer_that_filled_the_context_is_audited) {
  inference_request request = make_request("full-0", prompts[0], 0.7f);
  request.max_tokens = 1000;
  for (const model::token_id end : shared().validator.vocab.end_of_generation_ids()) {
    request.sampling.logit_bias.push_back({end, -100.0f});  // it runs to the end of the context
  }
  const auto answers = vulkan_answers(shared().registered, {request});
  ASSERT_EQ(answers.size(), 1u);
  const auto& [asked, receipt] = answers.front();
  EXPECT_EQ(receipt.finish_reason, finish_context);
  EXPECT_EQ(shared().validator.vocab.encode(asked.prompt).size() + receipt.output_tokens.size(), 257u);
  auto outcome = audit(asked, receipt);
  ASSERT_TRUE(outcome.ok()) << outcome.err().message;
  EXPECT_FALSE(outcome->guilty) << outcome->reason << ": " << outcome->detail;
}

TEST(audit_replay, stop_after_answers_end_where_the_string_completes) {
  auto& m = shared();
  for (const float temperature : {0.0f, 1.0f}) {
    // The first prompt whose free answer is long enough (the random model may end early).
    inference_request free;
    std::vector<std::pair<inference_request, completion_receipt>> long_answer;
    for (std::size_t i = 0; i < prompts.size() && (long_answer.empty() || long_answer[0].second.output_tokens.size() < 12); ++i) {
      free = make_request(fmt::format("free{}-{}", temperature, i), prompts[i], temperature);
      long_answer = vulkan_answers(m.registered, {free});
      ASSERT_EQ(long_answer.size(), 1u);
    }
    const std::vector<std::int32_t>& tokens = long_answer[0].second.output_tokens;
    ASSERT_GE(tokens.size(), 12u);
    // Three tokens from the middle of the answer: the answer must end where their text first completes.
    const std::string end = m.validator.vocab.decode(std::span(tokens).subspan(6, 3));
    auto bounded = free;  // the same id length: make_request's seed depends on it
    bounded.stop_after = {end};
    const auto short_answer = vulkan_answers(m.registered, {bounded});
    ASSERT_EQ(short_answer.size(), 1u);
    const completion_receipt& receipt = short_answer[0].second;
    const std::vector<std::int32_t>& ended = receipt.output_tokens;
    EXPECT_EQ(receipt.finish_reason, finish_stop);
    ASSERT_LE(ended.size(), 9u);
    EXPECT_TRUE(std::equal(ended.begin(), ended.end(), tokens.begin()));  // same seed: the same draws
    const std::string text = m.validator.vocab.decode(ended);
    EXPECT_NE(text.find(end), std::string::npos);
    EXPECT_EQ(m.validator.vocab.decode(std::span(ended).first(ended.size() - 1)).find(end), std::string::npos);
    auto honest = audit(bounded, receipt);
    ASSERT_TRUE(honest.ok()) << honest.err().message;
    EXPECT_FALSE(honest->guilty) << honest->reason << " " << honest->detail;
    // The miner who ignores stop_after and answers on (billing the tokens past it) is convicted.
    auto ran_on = audit(bounded, long_answer[0].second);
    ASSERT_TRUE(ran_on.ok()) << ran_on.err().message;
    EXPECT_TRUE(ran_on->guilty);
    EXPECT_EQ(ran_on->reason, "finish_reason") << ran_on->detail;
  }
}

TEST(audit_replay, json_object_answers_are_replayed_with_the_mask) {
  std::vector<inference_request> constrained = requests_at(0.7f, "json");
  for (auto& request : constrained) request.sampling.output_format = "json_object";
  for (const auto& [request, receipt] : vulkan_answers(shared().registered, constrained)) {
    std::string text;
    for (const auto token : receipt.output_tokens) {
      if (!shared().validator.vocab.is_end_of_generation(token)) text += shared().validator.vocab.token_to_piece(token);
    }
    model::json_prefix prefix;
    EXPECT_TRUE(prefix.feed(text)) << text;
    auto outcome = audit(request, receipt);
    ASSERT_TRUE(outcome.ok()) << outcome.err().message;
    EXPECT_FALSE(outcome->guilty) << request.request_id << ": " << outcome->reason << " " << outcome->detail << " " << text;
  }
  std::vector<inference_request> free = requests_at(0.0f, "free");
  for (const auto& [request, receipt] : vulkan_answers(shared().registered, free)) {
    inference_request claimed = request;
    claimed.sampling.output_format = "json_object";
    completion_receipt forged = receipt;  // signed as if the format had been followed
    forged.sampling = claimed.sampling;
    auto outcome = audit(claimed, forged);
    ASSERT_TRUE(outcome.ok()) << outcome.err().message;
    EXPECT_TRUE(outcome->guilty) << request.request_id << ": unconstrained text passed as json_object";
    EXPECT_EQ(outcome->reason, "tokens") << outcome->detail;
  }
}

// output_format json_schema (a tool call with prefix and suffix): the same — the validator replays the
// schema's mask (compiling it once into its cache), honest answers pass, unconstrained ones do not.
TEST(audit_replay, json_schema_answers_are_replayed_with_the_schema_mask) {
  const auto with_schema = [](inference_request request) {
    request.sampling.output_format = "json_schema";
    request.sampling.output_schema =
        R"({"type":"object","properties":{"name":{"const":"get_weather"},"arguments":{"type":"object","properties":{"city":{"type":"string","maxLength":12},"days":{"type":"integer","minimum":1,"maximum":14},"code":{"type":"string","pattern":"^[A-Z]{2}-[0-9]$"},"on":{"type":"string","format":"date"}},"required":["city","days","code","on"],"additionalProperties":false}},"required":["name","arguments"],"additionalProperties":false})";
    request.sampling.output_prefix = "<tool_call>\n";
    request.sampling.output_suffix = "\n</tool_call>";
    return request;
  };
  std::vector<inference_request> constrained;
  for (const auto& request : requests_at(0.7f, "schema")) constrained.push_back(with_schema(request));
  auto& m = shared();
  const gpu_worker::output_masks masks(m.validator.vocab);
  compiled_schema_cache schemas;
  audit_model model{m.validator.engine, m.validator.vocab, "tiny", m.registered_hash, &masks, &schemas};
  for (const auto& [request, receipt] : vulkan_answers(m.registered, constrained)) {
    // Within max_tokens the answer may stop short: it is then a prefix the schema can complete.
    auto compiled = schemas.get(request.sampling);
    ASSERT_TRUE(compiled.ok()) << compiled.err().message;
    model::json_schema_prefix state(**compiled);
    std::string text;
    for (const auto token : receipt.output_tokens) {
      if (!m.validator.vocab.is_end_of_generation(token)) text += m.validator.vocab.token_to_piece(token);
    }
    EXPECT_TRUE(state.feed(text)) << text;
    EXPECT_TRUE(text.starts_with("<tool_call>\n")) << text;
    auto outcome = audit_job(model, request, receipt, audit_tolerances{});
    ASSERT_TRUE(outcome.ok()) << outcome.err().message;
    EXPECT_FALSE(outcome->guilty) << request.request_id << ": " << outcome->reason << " " << outcome->detail << " " << text;
  }
  EXPECT_EQ(schemas.size(), 1u);  // one schema, compiled once for every audit
  // A miner who ignores the schema but signs that it followed it: its draws are ones the mask rules out.
  for (const auto& [request, receipt] : vulkan_answers(m.registered, requests_at(0.0f, "ignored"))) {
    const inference_request claimed = with_schema(request);
    completion_receipt forged = receipt;
    forged.sampling = claimed.sampling;
    auto outcome = audit_job(model, claimed, forged, audit_tolerances{});
    ASSERT_TRUE(outcome.ok()) << outcome.err().message;
    EXPECT_TRUE(outcome->guilty) << request.request_id << ": unconstrained text passed as json_schema";
    EXPECT_EQ(outcome->reason, "tokens") << outcome->detail;
  }
}

struct cheat_case {
  std::string name;
  std::string model;  // the GGUF the cheating worker serves
  cheat_mode mode;
  std::vector<std::string> reasons;  // any of these convicts it rightly
  std::string forge_with;  // "": honest fingerprints of the served model; else forged through this one
};

TEST(audit_replay, every_cheat_is_found_guilty_with_its_reason) {
  auto& m = shared();
  const std::vector<cheat_case> cases = {
      {"smaller model, same vocabulary", m.other, cheat_mode::none, {"tokens", "fingerprints"}},
      {"F16 served as Q4_0", m.downgraded, cheat_mode::none, {"tokens", "fingerprints"}},
      {"random tokens", m.registered, cheat_mode::random_tokens, {"tokens", "finish_reason"}},
      {"truncated (forged end)", m.registered, cheat_mode::truncate, {"tokens"}},
      {"old answer replayed", m.registered, cheat_mode::replay_old, {"tokens", "finish_reason"}},
      {"inflated token count", m.registered, cheat_mode::inflate_count, {"token_count"}},
      {"wrong model hash", m.registered, cheat_mode::wrong_model_hash, {"model_hash"}},
      // Generated by the smaller model, fingerprints forged by one prefill through the real one: the
      // fingerprints pass, the draws do not.
      {"cheap model, forged fingerprints", m.other, cheat_mode::none, {"tokens"}, m.registered},
  };
  fmt::print("{:32} {:>9} {:>18}  reasons\n", "cheat", "detected", "tokens to detect");
  for (const auto& c : cases) {
    std::uint32_t detected = 0, total = 0, tokens_sum = 0, token_level = 0;
    std::map<std::string, int> reasons;
    std::optional<gpu_worker::fingerprint_forger> forger;
    if (!c.forge_with.empty()) forger.emplace(std::move(gpu_worker::fingerprint_forger::load(c.forge_with, 256)).value());
    for (const float temperature : {0.0f, 0.7f, 1.0f}) {
      for (const auto& [request, receipt] : vulkan_answers(c.model, requests_at(temperature, fmt::format("{}{}", c.name.size(), temperature)), c.mode,
                                                           forger ? &*forger : nullptr)) {
        if (c.mode == cheat_mode::replay_old && request.prompt == prompts[0]) continue;  // its first answer is honest
        // An answer that ended by itself before the forged end is honest.
        if (c.mode == cheat_mode::truncate && receipt.output_tokens.size() < answer_tokens / 2) continue;
        auto outcome = audit(request, receipt);
        ASSERT_TRUE(outcome.ok()) << outcome.err().message;
        ++total;
        if (!outcome->guilty) {
          fmt::print("not detected: {} T={} {} tokens, {} near ties, finish {}\n", request.request_id,
                     request.sampling.temperature, outcome->evidence.tokens_checked, outcome->evidence.near_ties,
                     receipt.finish_reason);
          // A forged end that passes must have been weighed and found within the honest tolerances.
          if (c.mode == cheat_mode::truncate) {
            EXPECT_GE(outcome->evidence.near_ties, 1u) << request.request_id;
          }
          continue;
        }
        ++detected;
        ++reasons[outcome->reason];
        // The forgery itself is perfect: the real model's own fingerprints.
        if (forger) {
          EXPECT_EQ(outcome->evidence.fingerprint_mismatches, 0u) << request.request_id;
        }
        EXPECT_NE(std::find(c.reasons.begin(), c.reasons.end(), outcome->reason), c.reasons.end())
            << c.name << ": " << outcome->reason << " " << outcome->detail;
        if (outcome->evidence.first_bad_position >= 0) {
          tokens_sum += static_cast<std::uint32_t>(outcome->evidence.first_bad_position) + 1;
          ++token_level;
        }
      }
    }
    ASSERT_GT(total, 0u) << c.name << ": no answer was long enough to cheat on";
    if (c.mode == cheat_mode::truncate) {
      // A forged end where the end token itself was a plausible draw (within the near-tie tolerances:
      // the greedy gap, or a sampled draw another device's rounding could have ranked that way) is
      // not provably a cheat: "no early truncation where EOS was unlikely". This random model's flat
      // distributions put many tokens within rank_tie_logit of one another (measured 14/16).
      EXPECT_GE(detected * 10, total * 8) << c.name;
    } else {
      EXPECT_EQ(detected, total) << c.name;
    }
    std::string why;
    for (const auto& [reason, n] : reasons) why += fmt::format("{}:{} ", reason, n);
    fmt::print("{:32} {:>4}/{:<4} {:>18}  {}\n", c.name, detected, total,
               token_level ? fmt::format("{:.1f}", double(tokens_sum) / token_level) : std::string("receipt"), why);
  }
}


std::vector<inference_request> embedding_requests(const std::string& tag) {
  std::vector<inference_request> out;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    inference_request r = make_request(tag + "-" + std::to_string(i), prompts[i], 0.0f);
    r.embedding = true;
    r.max_tokens = 0;
    out.push_back(std::move(r));
  }
  return out;
}

// The CPU reference's embedding of each request (another backend), in a receipt of the worker's shape.
std::vector<std::pair<inference_request, completion_receipt>> cpu_embeddings(const std::vector<inference_request>& requests) {
  return cpu_receipts(requests, [](reference::llama_forward& cpu, sequence_summary& done) {
    done.finish_reason = finish_stop;
    done.embedding = std::move(cpu.mean_hidden_state(done.prompt_tokens)).value();
    model::scale_to_unit_length(done.embedding);
  });
}

// Embedding jobs: the vectors of the worker's own batching (Vulkan) and of the CPU reference pass
// are innocent; another model, a Q4_0 downgrade and made-up vectors are convicted (`embedding`), as
// are receipts that claim generated tokens or a vector that is not unit length. Prints the cosines
// behind embedding_cosine_min's default.
TEST(audit_replay, embedding_jobs_pass_when_honest_and_convict_each_cheat) {
  auto& m = shared();
  struct source {
    const char* name;
    std::vector<std::pair<inference_request, completion_receipt>> answers;
    bool honest;
  };
  std::vector<source> sources;
  sources.push_back({"honest, Vulkan worker", vulkan_answers(m.registered, embedding_requests("ev")), true});
  sources.push_back({"honest, CPU reference", cpu_embeddings(embedding_requests("ec")), true});
  sources.push_back({"Q4_0 served as F16", vulkan_answers(m.downgraded, embedding_requests("eq")), false});
  sources.push_back({"another model", vulkan_answers(m.other, embedding_requests("eo")), false});
  sources.push_back({"random vectors", vulkan_answers(m.registered, embedding_requests("er"), cheat_mode::random_tokens), false});
  fmt::print("{:<24} {:>10} {:>10} {:>12} {:>9}\n", "embedding source", "min cos", "max cos", "1 - min cos", "guilty");
  for (const source& s : sources) {
    ASSERT_EQ(s.answers.size(), prompts.size()) << s.name;
    double lowest = 2, highest = -2;
    std::size_t convicted = 0;
    for (const auto& [request, receipt] : s.answers) {
      auto outcome = audit(request, receipt);
      ASSERT_TRUE(outcome.ok()) << outcome.err().message;
      lowest = std::min<double>(lowest, outcome->evidence.embedding_cosine);
      highest = std::max<double>(highest, outcome->evidence.embedding_cosine);
      convicted += outcome->guilty ? 1 : 0;
      if (s.honest) {
        EXPECT_FALSE(outcome->guilty) << s.name << ": " << outcome->detail;
      } else {
        EXPECT_EQ(outcome->reason, "embedding") << s.name << ": " << outcome->detail;
      }
    }
    fmt::print("{:<24} {:>10.6f} {:>10.6f} {:>12.2e} {:>5}/{}\n", s.name, lowest, highest, 1 - lowest, convicted,
               s.answers.size());
  }
  // Receipt shapes no honest worker signs.
  auto [request, honest] = sources.front().answers.front();
  completion_receipt claims_tokens = honest;
  claims_tokens.completion_token_count = 3;
  EXPECT_EQ(audit(request, claims_tokens)->reason, "token_count");
  completion_receipt scaled = honest;
  for (float& x : scaled.embedding) x *= 2;
  EXPECT_EQ(audit(request, scaled)->reason, "embedding");
  completion_receipt truncated = honest;
  truncated.embedding.pop_back();
  EXPECT_EQ(audit(request, truncated)->reason, "evidence");
  completion_receipt other_prompt = honest;
  other_prompt.prompt_hash = sources[1].answers[1].second.prompt_hash;
  EXPECT_EQ(audit(request, other_prompt)->reason, "prompt_hash");
}

// A worker paid from its chunk claims — the segment before a failover, a cancelled stream — is
// audited from the chunks themselves (claimed_segment): the claim's digest chains their tokens and
// fingerprints, so the evidence binds the worker. The segment is built from the real worker's
// signed chunks as the matchmaker keeps them; an honest one passes at every temperature and from a
// resumed position, a random-token worker's is guilty, and evidence the claim does not chain is
// refused before any replay.
claimed_segment segment_of(const std::vector<token_chunk>& chunks, std::vector<std::int32_t> before) {
  claimed_segment segment{chunks.front().worker_id, static_cast<std::uint32_t>(before.size()), std::move(before), {}, {},
                          partial_settlement_of(chunks.back())};
  for (const token_chunk& chunk : chunks) {
    segment.output_tokens.insert(segment.output_tokens.end(), chunk.tokens.begin(), chunk.tokens.end());
    segment.chunk_tokens.push_back(static_cast<std::uint32_t>(chunk.tokens.size()));
    segment.fingerprints.insert(segment.fingerprints.end(), chunk.fingerprints.begin(), chunk.fingerprints.end());
  }
  return segment;
}

// The signed chunks of `request` on the worker's own batching code, resumed after `resume`.
std::vector<token_chunk> streamed_chunks(const inference_request& request, std::vector<std::int32_t> resume,
                                         cheat_mode cheat = cheat_mode::none) {
  loaded_model worker(shared().registered, 1);
  gpu_worker::continuous_batch batch(worker.engine, worker.vocab, {}, "w", cheat);
  static const identity key = identity::generate();
  std::vector<token_chunk> out;
  EXPECT_TRUE(batch.admit(inference_job{request, {}, std::move(resume), "test", 0}).ok());
  for (int guard = 0; guard < 1000 && !batch.idle(); ++guard) {
    for (auto& event : batch.step()) {
      if (!event.chunk || event.chunk->tokens.empty()) continue;
      event.chunk->worker_id = to_hex(key.public_id());
      sign_chunk_claim(*event.chunk, key);
      out.push_back(*event.chunk);
    }
  }
  return out;
}

result<audit_outcome> audit_claimed(const inference_request& request, const claimed_segment& segment) {
  auto& m = shared();
  if (auto bound = verify_claimed_segment(request.request_id, segment); !bound.ok()) return bound.err();
  audit_model model{m.validator.engine, m.validator.vocab, "tiny", m.registered_hash};
  return audit_segment(model, request, segment, audit_tolerances{});
}

TEST(audit_replay, segments_paid_from_chunk_claims_are_audited_from_their_chunks) {
  for (const float temperature : {0.0f, 0.7f, 1.0f}) {
    inference_request request = make_request(fmt::format("seg{}", temperature), prompts[1], temperature);
    request.stream = true;
    const std::vector<token_chunk> chunks = streamed_chunks(request, {});
    ASSERT_GE(chunks.size(), 3u);
    // Worker A's segment: its first chunks (a failover after them).
    const std::vector<token_chunk> first(chunks.begin(), chunks.begin() + 2);
    const claimed_segment a = segment_of(first, {});
    auto honest = audit_claimed(request, a);
    ASSERT_TRUE(honest.ok()) << honest.err().message;
    EXPECT_FALSE(honest->guilty) << honest->reason << ": " << honest->detail;
    EXPECT_EQ(honest->evidence.tokens_checked, a.output_tokens.size());
    // Worker B resumed after A's tokens: its segment (say it was cancelled) is checked from there.
    const std::vector<token_chunk> resumed = streamed_chunks(request, a.output_tokens);
    ASSERT_FALSE(resumed.empty());
    const claimed_segment b = segment_of(resumed, a.output_tokens);
    auto after = audit_claimed(request, b);
    ASSERT_TRUE(after.ok()) << after.err().message;
    EXPECT_FALSE(after->guilty) << after->reason << ": " << after->detail;
    EXPECT_EQ(after->evidence.tokens_checked, b.output_tokens.size() - a.output_tokens.size());
    // A random-token worker paid for its segment only is convicted.
    const std::vector<token_chunk> random = streamed_chunks(request, {}, cheat_mode::random_tokens);
    ASSERT_GE(random.size(), 2u);
    auto cheat = audit_claimed(request, segment_of({random.begin(), random.begin() + 2}, {}));
    ASSERT_TRUE(cheat.ok()) << cheat.err().message;
    EXPECT_TRUE(cheat->guilty);
    EXPECT_EQ(cheat->reason, "tokens") << cheat->detail;
  }
  // Evidence the claim does not chain binds nobody: no audit, no verdict.
  inference_request request = make_request("seg-bound", prompts[2], 0.7f);
  request.stream = true;
  const std::vector<token_chunk> chunks = streamed_chunks(request, {});
  ASSERT_GE(chunks.size(), 2u);
  claimed_segment other_print = segment_of(chunks, {});
  other_print.fingerprints[1] ^= 0x40;
  EXPECT_EQ(audit_claimed(request, other_print).err().code, error_code::bad_signature);
  claimed_segment other_token = segment_of(chunks, {});
  other_token.output_tokens[0] ^= 1;
  EXPECT_EQ(audit_claimed(request, other_token).err().code, error_code::bad_signature);
  claimed_segment more_tokens = segment_of(chunks, {});
  more_tokens.claim.completion_tokens += 1;
  EXPECT_FALSE(audit_claimed(request, more_tokens).ok());
  claimed_segment forged = segment_of(chunks, {});
  forged.claim.miner_signature[0] ^= 1;
  EXPECT_EQ(audit_claimed(request, forged).err().code, error_code::bad_signature);
  // An older worker's chunks carry no fingerprints: bound, but no evidence to check — guilty.
  std::vector<token_chunk> bare = chunks;
  static const identity old_key = identity::generate();
  digest chain = first_chunk_claim_digest(request.request_id, 0);
  for (token_chunk& chunk : bare) {
    chunk.fingerprints.clear();
    chunk.worker_id = to_hex(old_key.public_id());
    chain = next_chunk_claim_digest(chain, chunk.tokens, {});
    chunk.claim_digest.assign(chain.begin(), chain.end());
    sign_chunk_claim(chunk, old_key);
  }
  auto unprinted = audit_claimed(request, segment_of(bare, {}));
  ASSERT_TRUE(unprinted.ok()) << unprinted.err().message;
  EXPECT_EQ(unprinted->reason, "evidence") << unprinted->detail;
}

}  // namespace
}  // namespace infergrid::validator
