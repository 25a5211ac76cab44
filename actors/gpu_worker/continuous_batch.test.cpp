// continuous_batch on the real engine (lavapipe in CI) with stories260k: batched greedy output
// equals the CPU reference, a resumed job continues with exactly the tokens of an uninterrupted
// one, the queue is bounded, cancel frees the slot, stop strings never leak, logprobs come one per
// token to the requests that ask for them.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "actors/gpu_worker/batch_testing.test.hpp"
#include "actors/gpu_worker/continuous_batch.hpp"
#include "actors/gpu_worker/sequence_text.hpp"
#include "actors/gpu_worker/reference_completion.test.hpp"
#include "actors/gpu_worker/seeded_sampling.hpp"
#include "kernels/model/embedding_vector.hpp"
#include "kernels/model/logit_sums.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::gpu_worker {
namespace {

TEST(continuous_batch, more_jobs_than_slots_all_equal_the_cpu_reference) {
  auto& f = shared();
  continuous_batch batch(f.engine, f.vocab, {.queue_capacity = 8, .chunk_tokens = 3, .chunk_interval_ms = 1000}, "w");
  const std::vector<std::string> prompts{"Once upon a time", "The cat", "Lily and Tom went", "One day", "A big dog"};
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    ASSERT_TRUE(batch.admit(make_job("r" + std::to_string(i), prompts[i], 24 + 4 * static_cast<std::uint32_t>(i))).ok());
  }
  EXPECT_EQ(batch.queued_count(), prompts.size());
  auto out = run_to_completion(batch);
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const auto& expected = testing::greedy_reference(model::testing_support::stories260k_path(), prompts[i],
                                                     24 + 4 * static_cast<std::uint32_t>(i), 256);
    const auto& got = out["r" + std::to_string(i)];
    EXPECT_EQ(got.tokens, expected.tokens) << prompts[i];
    EXPECT_EQ(got.text, expected.text) << prompts[i];
    EXPECT_FALSE(got.finish_reason.empty());
  }
}

inference_job with_logprobs(inference_job job, std::uint32_t top_count) {
  job.request.logprobs = true;
  job.request.top_logprobs = top_count;
  return job;
}

TEST(continuous_batch, resumed_job_continues_with_the_same_seeded_tokens_and_logprobs) {
  auto& f = shared();
  continuous_batch batch(f.engine, f.vocab, {}, "w");
  ASSERT_TRUE(batch.admit(with_logprobs(make_job("whole", "Once upon a time", 40, 0.9f), 2)).ok());
  const auto whole = run_to_completion(batch)["whole"];
  ASSERT_GT(whole.tokens.size(), 12u);
  ASSERT_EQ(whole.logprobs.size(), whole.tokens.size());
  for (const std::size_t cut : {1u, 7u, 12u}) {
    const auto [rest, joined] = resume_after(batch, with_logprobs(make_job("part", "Once upon a time", 40, 0.9f), 2), whole.tokens, cut);
    EXPECT_EQ(joined, whole.tokens) << "cut at " << cut;
    EXPECT_TRUE(whole.text.ends_with(rest.text)) << "cut at " << cut;
    // The resumed worker reports only the tokens it generates: together they are the whole's.
    ASSERT_EQ(rest.logprobs.size(), rest.tokens.size()) << "cut at " << cut;
    for (std::size_t i = 0; i < rest.logprobs.size(); ++i) {
      const auto& expected = whole.logprobs[cut + i];
      EXPECT_EQ(rest.logprobs[i].chosen.token, expected.chosen.token) << "cut at " << cut << ", token " << i;
      EXPECT_NEAR(rest.logprobs[i].chosen.logprob, expected.chosen.logprob, 1e-3) << "cut at " << cut << ", token " << i;
    }
  }
}

TEST(continuous_batch, logprobs_come_one_per_token_and_the_greedy_token_is_the_most_likely) {
  auto& f = shared();
  continuous_batch batch(f.engine, f.vocab, {.queue_capacity = 4, .chunk_tokens = 3, .chunk_interval_ms = 1000}, "w");
  ASSERT_TRUE(batch.admit(with_logprobs(make_job("asking", "Once upon a time", 24), 3)).ok());
  ASSERT_TRUE(batch.admit(make_job("plain", "Once upon a time", 24)).ok());
  auto out = run_to_completion(batch);
  const auto& got = out["asking"];
  EXPECT_TRUE(out["plain"].logprobs.empty());
  EXPECT_EQ(out["plain"].tokens, got.tokens);
  ASSERT_EQ(got.logprobs.size(), got.tokens.size());
  std::string joined;
  for (std::size_t i = 0; i < got.tokens.size(); ++i) {
    const auto& entry = got.logprobs[i];
    EXPECT_EQ(entry.chosen.token, got.tokens[i]);
    EXPECT_LE(entry.chosen.logprob, 0.0f);
    ASSERT_EQ(entry.top.size(), 3u);
    EXPECT_EQ(entry.top[0].token, entry.chosen.token) << "greedy picks the most likely token, at " << i;
    EXPECT_FLOAT_EQ(entry.top[0].logprob, entry.chosen.logprob);
    EXPECT_GE(entry.top[0].logprob, entry.top[1].logprob);
    EXPECT_GE(entry.top[1].logprob, entry.top[2].logprob);
    EXPECT_EQ(entry.chosen.text, f.vocab.token_to_piece(entry.chosen.token));
    joined += entry.chosen.text;
  }
  EXPECT_EQ(joined, got.text);
}

TEST(continuous_batch, full_queue_refuses_with_unavailable_and_cancel_frees_the_slot) {
  auto& f = shared();
  continuous_batch batch(f.engine, f.vocab, {.queue_capacity = 2, .chunk_tokens = 4, .chunk_interval_ms = 20}, "w");
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(batch.admit(make_job("q" + std::to_string(i), "The cat", 200)).ok());
  (void)batch.step();  // both take slots
  for (int i = 2; i < 5; ++i) ASSERT_TRUE(batch.admit(make_job("q" + std::to_string(i), "The cat", 200)).ok());
  auto refused = batch.admit(make_job("q5", "The cat", 200));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::unavailable);
  EXPECT_EQ(batch.admit(make_job("q0", "The cat", 10)).err().code, error_code::conflict);
  for (int i = 0; i < 5; ++i) batch.cancel("q" + std::to_string(i));
  (void)batch.step();
  EXPECT_TRUE(batch.idle());
  EXPECT_EQ(batch.free_slots(), 3u);
}

TEST(continuous_batch, bad_prompts_are_refused) {
  auto& f = shared();
  continuous_batch batch(f.engine, f.vocab, {}, "w");
  auto job = make_job("bad", "", 10);
  job.request.prompt_tokens = {1, 999999};
  EXPECT_EQ(batch.admit(job).err().code, error_code::invalid_argument);
  auto too_long = make_job("long", std::string(5000, 'a'), 10);
  EXPECT_EQ(batch.admit(too_long).err().code, error_code::too_large);
}

// A model whose logits are all NaN (damaged weights) fails its jobs with an error that says so,
// with the default sampling (top-k and top-p, whose draw once read past an empty row and crashed the
// worker) and greedy alike; nothing is streamed.
TEST(continuous_batch, a_model_whose_logits_are_nan_fails_the_job_with_a_clear_error) {
  const model::random_llama_options options = model::random_llama_tiny(model::ggml_type::f32);
  auto writer = model::build_random_llama(options);
  ASSERT_TRUE(writer.ok()) << writer.err().message;
  ASSERT_TRUE(writer->remove_tensor("output.weight"));
  const std::vector<float> nans(std::size_t{options.n_vocab} * options.n_embd, std::nanf(""));
  ASSERT_TRUE(writer->add_tensor("output.weight", model::ggml_type::f32, {options.n_embd, options.n_vocab}, nans).ok());
  const std::string path = model::testing_support::temp_path("nan-logits.gguf");
  ASSERT_TRUE(writer->write(path).ok());
  auto file = model::gguf_file::open(path);
  ASSERT_TRUE(file.ok()) << file.err().message;
  auto vocab = model::tokenizer::from_gguf(*file);
  ASSERT_TRUE(vocab.ok()) << vocab.err().message;
  auto engine = engine::llama_engine::create(*file, {.n_slots = 2, .context_size = 64});
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  continuous_batch batch(*engine, *vocab, {}, "w");
  ASSERT_TRUE(batch.admit(make_job("sampled", "The cat", 8, 0.8f)).ok());  // top-k 40, top-p 0.95
  ASSERT_TRUE(batch.admit(make_job("greedy", "The cat", 8)).ok());
  std::map<std::string, std::string> failures;
  for (int guard = 0; guard < 100 && !batch.idle(); ++guard) {
    for (const batch_event& event : batch.step()) {
      EXPECT_FALSE(event.chunk.has_value()) << "a token was streamed from a row of NaNs";
      if (event.failure) failures[event.failure->request_id] = event.failure->message;
    }
  }
  ASSERT_TRUE(batch.idle());
  ASSERT_EQ(failures.size(), 2u);
  for (const auto& [id, message] : failures) {
    EXPECT_NE(message.find("no finite value"), std::string::npos) << id << ": " << message;
  }
}

// Every running sequence draws its next token on the batch's pool after a step: the answers, their
// logprobs and their receipts' fingerprints are those of one thread drawing in slot order.
TEST(continuous_batch, draws_on_several_threads_give_what_one_thread_gives) {
  auto& f = shared();
  const auto answers_with = [&](std::uint32_t threads) {
    continuous_batch batch(f.engine, f.vocab, {.queue_capacity = 8, .draw_threads = threads, .parallel_draw_min_logits = 0}, "w");
    EXPECT_TRUE(batch.admit(with_logprobs(make_job("sampled", "Once upon a time", 40, 0.9f), 2)).ok());
    EXPECT_TRUE(batch.admit(make_job("greedy", "The cat sat", 40)).ok());
    auto json = make_job("json", "Lily said", 40, 1.0f);
    json.request.sampling.output_format = "json_object";
    EXPECT_TRUE(batch.admit(json).ok());
    EXPECT_TRUE(batch.admit(make_job("queued", "One day", 24, 0.7f)).ok());  // waits for a slot
    std::map<std::string, std::pair<std::vector<std::int32_t>, std::vector<std::uint8_t>>> out;
    std::map<std::string, std::vector<token_logprob>> logprobs;
    for (int guard = 0; guard < 1000 && !batch.idle(); ++guard) {
      for (auto& event : batch.step()) {
        EXPECT_FALSE(event.failure.has_value());
        if (!event.chunk) continue;
        auto& request_logprobs = logprobs[event.chunk->request_id];
        request_logprobs.insert(request_logprobs.end(), event.chunk->logprobs.begin(), event.chunk->logprobs.end());
        if (event.finished) out[event.chunk->request_id] = {event.finished->output_tokens, event.finished->fingerprints};
      }
    }
    EXPECT_TRUE(batch.idle());
    return std::pair{out, logprobs};
  };
  const auto [one, one_logprobs] = answers_with(1);
  const auto [three, three_logprobs] = answers_with(3);
  ASSERT_EQ(one.size(), 4u);
  EXPECT_EQ(one, three);
  ASSERT_EQ(one_logprobs.at("sampled").size(), one.at("sampled").first.size());
  ASSERT_EQ(three_logprobs.at("sampled").size(), one_logprobs.at("sampled").size());
  for (std::size_t i = 0; i < one_logprobs.at("sampled").size(); ++i) {
    EXPECT_EQ(one_logprobs.at("sampled")[i].chosen.token, three_logprobs.at("sampled")[i].chosen.token);
    EXPECT_EQ(one_logprobs.at("sampled")[i].chosen.logprob, three_logprobs.at("sampled")[i].chosen.logprob);
    EXPECT_EQ(one_logprobs.at("sampled")[i].top.size(), 2u);
  }
  for (const auto& [id, answer] : one) EXPECT_EQ(answer.second.size(), 2 * answer.first.size()) << id;  // 2 bytes a token
}

// An embedding job shares the batch with completions: it is answered at the next step with one last
// chunk (no tokens, finish stop, the unit-length embedding of the engine) and a summary for its
// receipt, while the completion beside it still equals the CPU reference.
TEST(continuous_batch, an_embedding_job_is_answered_whole_beside_running_completions) {
  auto& f = shared();
  continuous_batch batch(f.engine, f.vocab, {}, "w");
  ASSERT_TRUE(batch.admit(make_job("text", "Once upon a time", 16)).ok());
  auto job = make_job("vector", "The cat sat", 0);
  job.request.embedding = true;
  ASSERT_TRUE(batch.admit(job).ok());
  auto generating = make_job("wrong", "The cat sat", 4);
  generating.request.embedding = true;
  EXPECT_EQ(batch.admit(generating).err().code, error_code::invalid_argument);
  std::optional<token_chunk> answer;
  std::optional<sequence_summary> summary;
  std::vector<std::int32_t> text_tokens;
  for (int guard = 0; guard < 100 && !batch.idle(); ++guard) {
    for (auto& event : batch.step()) {
      if (!event.chunk) continue;
      if (event.chunk->request_id == "vector") {
        answer = event.chunk;
        summary = event.finished;
      } else {
        text_tokens.insert(text_tokens.end(), event.chunk->tokens.begin(), event.chunk->tokens.end());
      }
    }
  }
  ASSERT_TRUE(answer && summary);
  EXPECT_TRUE(answer->tokens.empty());
  EXPECT_EQ(answer->finish_reason, finish_stop);
  EXPECT_EQ(answer->claim_completion_tokens, 0u);
  const auto prompt = f.vocab.encode("The cat sat");
  EXPECT_EQ(answer->prompt_token_count, prompt.size());
  auto expected = f.engine.embed(0, prompt);
  ASSERT_TRUE(expected.ok());
  ASSERT_EQ(answer->embedding.size(), expected->size());
  const double length = model::vector_length(answer->embedding);
  EXPECT_NEAR(length * length, 1.0, 1e-5);
  EXPECT_NEAR(model::cosine_similarity(answer->embedding, *expected), 1.0, 1e-5);
  EXPECT_EQ(summary->embedding, answer->embedding);
  EXPECT_EQ(summary->generated_here, 0u);
  EXPECT_EQ(text_tokens, testing::greedy_reference(model::testing_support::stories260k_path(), "Once upon a time", 16, 256).tokens);
}

// The worker takes a plain greedy draw from the row's summary (one pass with the fingerprint); it
// must be the sampler's own pick, ties included, and only when nothing adjusts the row first.
TEST(seeded_sampling, a_plain_greedy_draw_is_the_rows_argmax) {
  sampling_params greedy;
  greedy.temperature = 0.0f;
  ASSERT_TRUE(draws_the_argmax(greedy));
  for (const std::size_t n : {512u, 32000u, 151936u}) {
    std::vector<float> row = model::testing_support::random_normals(n, static_cast<std::uint32_t>(n), 3.0f);
    row[n / 2] = row[n - 1] = 50.0f;  // a tie across chunks: the lower id
    const std::vector<model::token_id> history{1, 2, static_cast<model::token_id>(n / 2)};
    EXPECT_EQ(sample_at(greedy, row, history, 3), static_cast<model::token_id>(model::summarize_row(row).argmax));
    EXPECT_EQ(model::summarize_row(row).argmax, n / 2);
  }
  sampling_params penalised = greedy;
  penalised.repeat_penalty = 1.1f;
  sampling_params biased = greedy;
  biased.logit_bias.push_back({5, 3.0f});
  sampling_params sampled = greedy;
  sampled.temperature = 0.7f;
  EXPECT_FALSE(draws_the_argmax(penalised));
  EXPECT_FALSE(draws_the_argmax(biased));
  EXPECT_FALSE(draws_the_argmax(sampled));
}

TEST(sequence_text, stop_string_is_held_back_and_never_emitted) {
  auto& f = shared();
  const auto tokens = f.vocab.encode("Tom said hello to the big dog", false);
  sequence_text text(f.vocab, {"the big"});
  std::string out;
  bool stopped = false;
  for (const auto token : tokens) {
    auto delta = text.add(token);
    out += delta.text;
    if (delta.stopped) {
      stopped = true;
      break;
    }
  }
  EXPECT_TRUE(stopped);
  EXPECT_EQ(out, "Tom said hello to ");
}

// Feeds the tokens of `sentence` until the sequence ends; returns the text given out and how many
// tokens were taken (all of them when nothing ended it).
std::pair<std::string, std::size_t> feed_until_stopped(sequence_text& text, const std::string& sentence) {
  const auto tokens = shared().vocab.encode(sentence, false);
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    auto delta = text.add(tokens[i]);
    out += delta.text;
    if (delta.stopped) return {out, i + 1};
  }
  return {out + text.finish(), tokens.size()};
}

TEST(sequence_text, a_stop_after_string_ends_the_text_and_is_kept) {
  auto& f = shared();
  const std::string sentence = "Tom said hello to the big dog";
  sequence_text after(f.vocab, {}, {"hello to"});
  const auto [text, taken] = feed_until_stopped(after, sentence);
  EXPECT_EQ(text, "Tom said hello to");
  const auto tokens = f.vocab.encode(sentence, false);
  EXPECT_EQ(f.vocab.decode(std::span(tokens).first(taken)), "Tom said hello to");
  // The earlier of a stop string and a stop_after string ends it: a stop string is cut, a
  // stop_after string kept.
  sequence_text stop_first(f.vocab, {"said"}, {"hello"});
  EXPECT_EQ(feed_until_stopped(stop_first, sentence).first, "Tom ");
  sequence_text after_first(f.vocab, {"big"}, {"hello"});
  EXPECT_EQ(feed_until_stopped(after_first, sentence).first, "Tom said hello");
  // A string the text never completes ends nothing; the text is whole.
  sequence_text never(f.vocab, {}, {"cat", ""});
  EXPECT_EQ(feed_until_stopped(never, sentence), std::make_pair(sentence, f.vocab.encode(sentence, false).size()));
}

// A thinking model's reply: a stop_after string inside the <think> block is only reasoning (the
// bridge's `</tool_call>` that ends one call); the first one in the answer ends the text.
TEST(sequence_text, stop_after_past_reasoning_skips_the_think_block) {
  auto& f = shared();
  const std::string reply = "<think>\nthe tag </call> is text here\n</think>\n\nhi <call>x</call> and more";
  sequence_text past_block(f.vocab, {}, {"</call>"}, inference_request::stop_after_past_reply_block);
  EXPECT_EQ(feed_until_stopped(past_block, reply).first, "<think>\nthe tag </call> is text here\n</think>\n\nhi <call>x</call>");
  sequence_text anywhere(f.vocab, {}, {"</call>"});
  EXPECT_EQ(feed_until_stopped(anywhere, reply).first, "<think>\nthe tag </call>");
  // No block at the start: the answer is all of it.
  sequence_text no_block(f.vocab, {}, {"</call>"}, inference_request::stop_after_past_reply_block);
  EXPECT_EQ(feed_until_stopped(no_block, "hi </call> more").first, "hi </call>");
  // The prompt opened the block: it ends at the first </think>.
  sequence_text prompt_block(f.vocab, {}, {"</call>"}, inference_request::stop_after_past_prompt_block);
  EXPECT_EQ(feed_until_stopped(prompt_block, "a </call> b</think> c </call> d").first, "a </call> b</think> c </call>");
  // A block never closed (max_tokens): nothing in it ends the text.
  sequence_text open_block(f.vocab, {}, {"</call>"}, inference_request::stop_after_past_reply_block);
  const std::string unclosed = "<think> a </call> b";
  EXPECT_EQ(feed_until_stopped(open_block, unclosed).first, unclosed);
}

}  // namespace
}  // namespace infergrid::gpu_worker
