#include "kernels/engine/llama_engine.hpp"

#include <malloc.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "kernels/engine/device_model.hpp"
#include "kernels/engine/forward_recording.hpp"
#include "kernels/engine/memory_plan.hpp"
#include "kernels/engine/step_buffers.hpp"
#include "kernels/model/llama_weights.hpp"
#include "kernels/vk/buffer.hpp"
#include "kernels/vk/device.hpp"

namespace infergrid::engine {
namespace {

// Recorded steps kept for reuse (decode steps of a few batch sizes, prefill chunks); the oldest
// shape is dropped beyond this.
constexpr std::size_t max_recorded_steps = 16;
// Longest context per slot when the model asks for more and no context_size is configured (the KV
// cache is allocated up front: a 32k-context model would otherwise reserve 8x the memory of most
// requests' needs); an explicit context_size may exceed it.
constexpr std::uint32_t default_context_limit = 4096;

// One piece of a batch entry that runs in a given submit.
struct chunk_piece {
  std::size_t entry;
  std::uint32_t first_token;  // within the entry
  std::uint32_t count;
};

}  // namespace

struct llama_engine::state {
  explicit state(vk::device d) : device(std::move(d)) {}
  vk::device device;                  // first: destroyed last
  std::optional<kernel_library> kernels;  // refers to `device`
  std::optional<device_model> model_storage;
  step_buffers buffers;
  const device_model& model() const { return *model_storage; }
  std::map<step_shape, recorded_step> recorded;
  std::vector<step_shape> recorded_order;  // oldest first
  bool profile = false;
  kernel_times profile_totals;

  result<recorded_step*> recording_for(const step_shape& shape) {
    if (auto found = recorded.find(shape); found != recorded.end()) return &found->second;
    if (recorded.size() >= max_recorded_steps) {
      recorded.erase(recorded_order.front());
      recorded_order.erase(recorded_order.begin());
    }
    auto step = record_forward(*kernels, *model_storage, buffers, shape, profile);
    if (!step) return step.err();
    recorded_order.push_back(shape);
    return &recorded.emplace(shape, std::move(*step)).first->second;
  }

  status check_batch(std::span<const sequence_step> batch) const {
    std::set<std::uint32_t> slots;
    for (const sequence_step& entry : batch) {
      if (entry.slot >= buffers.capacity.n_slots) {
        return make_error(error_code::invalid_argument, "slot " + std::to_string(entry.slot) + " out of range (" +
                                                            std::to_string(buffers.capacity.n_slots) + " slots)");
      }
      if (!slots.insert(entry.slot).second) {
        return make_error(error_code::invalid_argument, "slot " + std::to_string(entry.slot) + " twice in one step");
      }
      if (entry.tokens.empty()) return make_error(error_code::invalid_argument, "a batch entry has no tokens");
      if (std::size_t{entry.start_position} + entry.tokens.size() > buffers.capacity.n_ctx) {
        return make_error(error_code::too_large, "positions up to " +
                                                     std::to_string(entry.start_position + entry.tokens.size()) +
                                                     " exceed the context size " +
                                                     std::to_string(buffers.capacity.n_ctx));
      }
      for (std::int32_t token : entry.tokens) {
        if (token < 0 || static_cast<std::uint32_t>(token) >= model().hparams.n_vocab) {
          return make_error(error_code::invalid_argument, "token id " + std::to_string(token) + " out of range");
        }
      }
    }
    return {};
  }

  // One submit of consecutive `tokens` of one slot from `start_position` (score, embed): writes the
  // inputs (each row its own output row when the shape has one per token), runs the step of `shape`.
  status submit_rows(std::uint32_t slot, std::span<const std::int32_t> tokens, std::size_t start_position,
                     const step_shape& shape) {
    auto* ids = reinterpret_cast<std::int32_t*>(buffers.tokens.mapped());
    auto* positions = reinterpret_cast<std::int32_t*>(buffers.positions.mapped());
    auto* slots = reinterpret_cast<std::int32_t*>(buffers.slots.mapped());
    auto* output_rows = reinterpret_cast<std::int32_t*>(buffers.output_rows.mapped());
    for (std::uint32_t row = 0; row < tokens.size(); ++row) {
      ids[row] = tokens[row];
      positions[row] = static_cast<std::int32_t>(start_position + row);
      slots[row] = static_cast<std::int32_t>(slot);
      if (shape.n_outputs != 0) output_rows[row] = static_cast<std::int32_t>(row);
    }
    auto step = recording_for(shape);
    if (!step) return step.err();
    IG_TRY((*step)->commands.submit_and_wait());
    if ((*step)->profile) IG_TRY((*step)->profile->collect(profile_totals));
    return {};
  }

  // Runs the pieces of one submit; copies results of entries that end in it (the logits unless
  // options.borrow_logits: step() decided the step is this one submit and views them).
  status run_chunk(std::span<const sequence_step> batch, std::span<const chunk_piece> pieces,
                   const step_options& options, step_result& out) {
    auto* tokens = reinterpret_cast<std::int32_t*>(buffers.tokens.mapped());
    auto* positions = reinterpret_cast<std::int32_t*>(buffers.positions.mapped());
    auto* slots = reinterpret_cast<std::int32_t*>(buffers.slots.mapped());
    auto* output_rows = reinterpret_cast<std::int32_t*>(buffers.output_rows.mapped());
    std::vector<std::size_t> finishing;  // entries whose last token is in this chunk, in row order
    std::uint32_t row = 0;
    for (const chunk_piece& piece : pieces) {
      const sequence_step& entry = batch[piece.entry];
      for (std::uint32_t i = 0; i < piece.count; ++i, ++row) {
        tokens[row] = entry.tokens[piece.first_token + i];
        positions[row] = static_cast<std::int32_t>(entry.start_position + piece.first_token + i);
        slots[row] = static_cast<std::int32_t>(entry.slot);
      }
      if (piece.first_token + piece.count == entry.tokens.size()) {
        output_rows[finishing.size()] = static_cast<std::int32_t>(row - 1);
        finishing.push_back(piece.entry);
      }
    }
    const step_shape shape{row, static_cast<std::uint32_t>(finishing.size()), options.greedy};
    auto step = recording_for(shape);
    if (!step) return step.err();
    IG_TRY((*step)->commands.submit_and_wait());
    if ((*step)->profile) IG_TRY((*step)->profile->collect(profile_totals));
    const std::uint32_t n_vocab = model().hparams.n_vocab;
    const auto* logits = reinterpret_cast<const float*>(buffers.logits.mapped());
    const auto* ids = reinterpret_cast<const std::int32_t*>(buffers.greedy_ids.mapped());
    for (std::size_t i = 0; i < finishing.size(); ++i) {
      if (options.logits && !options.borrow_logits) {
        std::memcpy(out.logits.data() + finishing[i] * n_vocab, logits + i * n_vocab, n_vocab * sizeof(float));
      }
      if (options.greedy) out.greedy_ids[finishing[i]] = ids[i];
    }
    return {};
  }
};

result<llama_engine> llama_engine::load(const std::string& path, const engine_options& options) {
  auto file = model::gguf_file::open(path);
  if (!file) return file.err();
  return create(*file, options);
}

result<llama_engine> llama_engine::create(const model::gguf_file& file, const engine_options& options) {
  auto hparams = model::read_llama_hparams(file);
  if (!hparams) return hparams.err();
  auto weights = model::resolve_llama_weights(file, *hparams);
  if (!weights) return weights.err();
  if (options.n_slots == 0 || options.max_batch_tokens == 0) {
    return make_error(error_code::invalid_argument, "n_slots and max_batch_tokens must be at least 1");
  }
  auto dev = vk::device::create({options.device});
  if (!dev) return dev.err();
  auto s = std::make_unique<state>(std::move(*dev));
  s->profile = options.profile;
  auto kernels = kernel_library::create(s->device, options.kernels);
  if (!kernels) return kernels.err();
  s->kernels.emplace(std::move(*kernels));
  const std::uint32_t n_ctx = std::max<std::uint32_t>(
      options.context_size != 0 ? options.context_size : std::min(hparams->context_length, default_context_limit), 1);
  // Planned with a gate|up buffer, which the upload may make unnecessary: an upper bound.
  if (options.kv_cache_f16 && !s->device.info().storage_16bit) {
    return make_error(error_code::unsupported, "an F16 KV cache needs storageBuffer16BitAccess, which " +
                                                   s->device.info().name + " lacks; use an F32 cache");
  }
  memory_plan plan = plan_memory(s->device, *hparams, *weights,
                                 {options.max_batch_tokens, options.n_slots, n_ctx, true, 0, options.kv_cache_f16});
  if (options.memory_limit_bytes != 0) plan.available_bytes = options.memory_limit_bytes;
  if (options.on_load_message) options.on_load_message(plan.describe());
  IG_TRY(plan.check_fits());
  const weight_arrangement arrangement{s->kernels->access(), s->kernels->weight_row_group(),
                                       s->kernels->swiglu_pair_rows()};
  // The file's pages leave the resident set as each part goes up: the device copy holds those weights
  // now, and on a CPU device (lavapipe) both copies would otherwise be resident at once at the end
  // of the upload (a 0.5B Q4_K_M: peak 1,025 MB for 602 MB once loaded). Pages read again later
  // (metadata) fault back in from the page cache.
  const upload_progress progress = [&file, &options](std::size_t done, std::size_t total) {
    file.release_resident_pages();
    if (options.on_load_progress) options.on_load_progress(done, total);
  };
  auto uploaded = upload_model(s->device, *hparams, *weights, arrangement, options.weight_part_bytes_limit, progress);
  if (!uploaded) return uploaded.err();
  s->model_storage.emplace(std::move(*uploaded));
  const bool gate_up_pairs = std::all_of(s->model_storage->layers.begin(), s->model_storage->layers.end(),
                                         [](const device_layer& layer) { return layer.gate_up.swiglu_pairs; });
  const step_capacity capacity{options.max_batch_tokens, options.n_slots, n_ctx, !gate_up_pairs, options.max_output_rows,
                               options.kv_cache_f16};
  auto buffers = step_buffers::create(s->device, *hparams, capacity);
  if (!buffers) return buffers.err();
  s->buffers = std::move(*buffers);
  llama_engine engine(std::move(s));
  if (options.warm_up) IG_TRY(engine.run_warm_up_steps());
  // The per-tensor layout copies and the shader compilers' scratch were freed; hand that heap back
  // to the system so resident memory is the model, not the loading.
  malloc_trim(0);
  return engine;
}

// The common step shapes, each recorded with and without greedy ids and run once (greedy) with
// placeholder tokens from position 0: a decode step of one sequence, one of a batch (a token in each
// of up to matmul_tokens slots) and a prefill chunk. CPU drivers (lavapipe) compile a pipeline's
// code at its first dispatch, which would otherwise land in the first request (lavapipe, 100M Q8_0
// with an empty shader cache: the first 64 decode tokens ran at 50 instead of 88 tok/s). Other
// shapes (2- and 4-sequence batches) compile on first use; each compiled variant stays resident, a
// few MB on lavapipe. Any later sequence writes its KV cache rows before it reads them, so the rows
// written here do no harm.
status llama_engine::run_warm_up_steps() {
  state& s = *state_;
  const step_capacity& capacity = s.buffers.capacity;
  const std::vector<std::int32_t> tokens(std::min(capacity.max_tokens, capacity.n_ctx), 0);
  const std::span<const std::int32_t> one_token(tokens.data(), 1);
  std::vector<sequence_step> batch;
  const std::uint32_t batch_slots = std::min(capacity.n_slots, s.kernels->matmul_tokens());
  for (std::uint32_t slot = 0; slot < batch_slots; ++slot) batch.push_back({slot, one_token, 0});
  const sequence_step chunk{0, tokens, 0};
  std::vector<std::span<const sequence_step>> steps = {std::span(batch.data(), 1), std::span(&chunk, 1)};
  if (batch.size() > 1) steps.push_back(batch);
  for (std::span<const sequence_step> entries : steps) {
    std::uint32_t n_tokens = 0;
    for (const sequence_step& entry : entries) n_tokens += static_cast<std::uint32_t>(entry.tokens.size());
    IG_TRY(s.recording_for({n_tokens, static_cast<std::uint32_t>(entries.size()), false}));
    IG_TRY(step(entries, {.logits = false, .greedy = true}));
  }
  reset_kernel_profile();
  return {};
}

llama_engine::llama_engine(std::unique_ptr<state> s) : state_(std::move(s)) {}
llama_engine::llama_engine(llama_engine&&) noexcept = default;
llama_engine& llama_engine::operator=(llama_engine&&) noexcept = default;
llama_engine::~llama_engine() = default;

result<step_result> llama_engine::step(std::span<const sequence_step> batch, const step_options& options) {
  state& s = *state_;
  IG_TRY(s.check_batch(batch));
  step_result out;
  out.n_vocab = s.model().hparams.n_vocab;
  if (options.greedy) out.greedy_ids.assign(batch.size(), -1);
  // Fill submits of at most max_tokens tokens, splitting long entries across them.
  const std::uint32_t max_tokens = s.buffers.capacity.max_tokens;
  std::size_t total_tokens = 0;
  for (const sequence_step& entry : batch) total_tokens += entry.tokens.size();
  // What the submits do: borrow_logits only where the whole step is one submit and its rows are cheap to read.
  step_options run = options;
  run.borrow_logits = options.logits && options.borrow_logits && total_tokens <= max_tokens && s.buffers.logits.host_cached();
  if (options.logits && !run.borrow_logits) out.logits.assign(batch.size() * out.n_vocab, 0.0f);
  std::vector<chunk_piece> pieces;
  std::uint32_t used = 0;
  for (std::size_t e = 0; e < batch.size(); ++e) {
    const auto n = static_cast<std::uint32_t>(batch[e].tokens.size());
    for (std::uint32_t first = 0; first < n;) {
      const std::uint32_t count = std::min(n - first, max_tokens - used);
      pieces.push_back({e, first, count});
      first += count;
      used += count;
      if (used == max_tokens) {
        IG_TRY(s.run_chunk(batch, pieces, run, out));
        pieces.clear();
        used = 0;
      }
    }
  }
  if (!pieces.empty()) IG_TRY(s.run_chunk(batch, pieces, run, out));
  // The one submit's rows, row i entry i's, where the device wrote them.
  if (run.borrow_logits) {
    out.borrowed = std::span(reinterpret_cast<const float*>(s.buffers.logits.mapped()), batch.size() * std::size_t{out.n_vocab});
  }
  return out;
}

result<step_result> llama_engine::score(std::uint32_t slot, std::span<const std::int32_t> tokens,
                                        std::uint32_t start_position) {
  state& s = *state_;
  const sequence_step whole{slot, tokens, start_position};
  IG_TRY(s.check_batch(std::span(&whole, 1)));
  step_result out;
  out.n_vocab = s.model().hparams.n_vocab;
  out.logits.assign(tokens.size() * out.n_vocab, 0.0f);
  const std::uint32_t per_submit = std::min(s.buffers.capacity.max_tokens, s.buffers.capacity.output_rows());
  const auto* logits = reinterpret_cast<const float*>(s.buffers.logits.mapped());
  for (std::size_t first = 0; first < tokens.size(); first += per_submit) {
    const auto count = static_cast<std::uint32_t>(std::min<std::size_t>(per_submit, tokens.size() - first));
    IG_TRY(s.submit_rows(slot, tokens.subspan(first, count), start_position + first, step_shape{count, count, false}));
    std::memcpy(out.logits.data() + first * out.n_vocab, logits, std::size_t{count} * out.n_vocab * sizeof(float));
  }
  return out;
}

result<std::vector<float>> llama_engine::embed(std::uint32_t slot, std::span<const std::int32_t> tokens) {
  state& s = *state_;
  const sequence_step whole{slot, tokens, 0};
  IG_TRY(s.check_batch(std::span(&whole, 1)));
  const std::uint32_t n_embd = s.model().hparams.n_embd;
  const std::uint32_t per_submit = s.buffers.capacity.max_tokens;
  std::vector<double> sum(n_embd, 0.0);
  std::vector<float> rows;
  for (std::size_t first = 0; first < tokens.size(); first += per_submit) {
    const auto count = static_cast<std::uint32_t>(std::min<std::size_t>(per_submit, tokens.size() - first));
    IG_TRY(s.submit_rows(slot, tokens.subspan(first, count), first, step_shape{count, 0, false, true}));
    rows.resize(std::size_t{count} * n_embd);
    IG_TRY(vk::download(s.device, s.buffers.normed, std::as_writable_bytes(std::span(rows))));
    for (std::uint32_t row = 0; row < count; ++row) {
      for (std::uint32_t i = 0; i < n_embd; ++i) sum[i] += rows[std::size_t{row} * n_embd + i];
    }
  }
  std::vector<float> mean(n_embd);
  for (std::uint32_t i = 0; i < n_embd; ++i) mean[i] = static_cast<float>(sum[i] / static_cast<double>(tokens.size()));
  return mean;
}

const model::llama_hparams& llama_engine::hparams() const { return state_->model().hparams; }
std::string llama_engine::device_description() const { return state_->device.description(); }
std::uint32_t llama_engine::n_slots() const { return state_->buffers.capacity.n_slots; }
std::uint32_t llama_engine::context_size() const { return state_->buffers.capacity.n_ctx; }
std::size_t llama_engine::weight_bytes() const { return state_->model().device_bytes; }
std::size_t llama_engine::kv_cache_bytes() const { return state_->buffers.kv_cache_bytes; }
std::size_t llama_engine::activation_bytes() const { return state_->buffers.activation_bytes; }
const kernel_times& llama_engine::kernel_profile() const { return state_->profile_totals; }
void llama_engine::reset_kernel_profile() { state_->profile_totals.clear(); }

}  // namespace infergrid::engine
