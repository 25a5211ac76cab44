#include "actors/gpu_worker/loaded_model.hpp"

#include "kernels/engine/load_progress_lines.hpp"

namespace infergrid::gpu_worker {

result<loaded_model> load_model(const model_load_options& options) {
  auto key = options.identity_file.empty() ? result<identity>(identity::generate())
                                           : identity::load_or_create(options.identity_file);
  if (!key.ok()) return key.err();
  auto file = model::gguf_file::open(options.model_path);
  if (!file.ok()) return file.err();
  auto vocab = model::tokenizer::from_gguf(*file);
  if (!vocab.ok()) return vocab.err();
  engine::engine_options engine_options;
  engine_options.device = options.device;
  engine_options.n_slots = options.slots;
  engine_options.context_size = options.context_size;
  engine_options.kv_cache_f16 = options.kv_cache_f16;
  if (options.batch_tokens > 0) {
    engine_options.max_batch_tokens = options.batch_tokens;
    engine_options.max_output_rows = options.batch_tokens;
  }
  if (options.log_line) {
    engine_options.on_load_progress = engine::load_progress_lines(options.log_line);
    engine_options.on_load_message = options.log_line;
  }
  if (options.on_progress) engine_options.on_load_progress = options.on_progress;
  auto engine = engine::llama_engine::create(*file, engine_options);
  if (!engine.ok()) return engine.err();
  return loaded_model{std::move(*key), std::move(*file), std::move(*vocab), std::move(*engine)};
}

status read_kv_cache_type(const settings& config, bool& f16) {
  std::string type = f16 ? "f16" : "f32";
  IG_TRY(read_setting(config, "kv_cache_type", type));
  if (type != "f32" && type != "f16") {
    return make_error(error_code::invalid_argument, config.where("kv_cache_type") + ": must be f32 or f16 (got '" + type + "')");
  }
  f16 = type == "f16";
  return {};
}

}  // namespace infergrid::gpu_worker
