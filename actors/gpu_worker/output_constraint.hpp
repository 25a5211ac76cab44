#pragma once
// output_constraint: what a request's output_format adds to the sampler state of one sequence.
// "" leaves the logits alone; "json_object" masks each draw with json_token_mask; "json_schema"
// compiles output_schema once (with output_prefix/output_suffix) and masks each draw with
// schema_token_mask, following the generated tokens incrementally. The mask depends on the
// generated tokens alone, so a job resumed on another worker and a validator's replay of it see
// exactly the logits the first worker's draws saw. Generation ends because the mask leaves only
// end-of-generation tokens once the output is complete.
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "kernels/model/compiled_schema.hpp"
#include "kernels/model/json_schema_prefix.hpp"
#include "kernels/model/json_token_mask.hpp"
#include "kernels/model/schema_token_mask.hpp"
#include "messages/inference.hpp"
#include "runtime/result.hpp"

namespace infergrid::gpu_worker {

// The masks over one vocabulary, built once per loaded model.
struct output_masks {
  explicit output_masks(const model::tokenizer& vocab) : json(vocab), schema(vocab) {}
  model::json_token_mask json;
  model::schema_token_mask schema;
};

class output_constraint {
 public:
  // errors: invalid_argument (an unknown output_format, schema fields without json_schema, an
  // empty output_schema) and the schema compiler's errors (json_schema_compiler.hpp), which name
  // the unsupported keyword. `compiled`: an already compiled output_schema to borrow (it must
  // outlive the constraint); null: compiled here.
  static result<output_constraint> make(const sampling_params& params, const model::compiled_schema* compiled = nullptr);

  // The logits the draw after `generated` sees: `logits` itself for free text, else a copy in
  // `scratch` with the tokens that cannot follow set to -inf.
  std::span<const float> apply(const output_masks& masks, std::span<const model::token_id> generated,
                               std::span<const float> logits, std::vector<float>& scratch);

 private:
  enum class format { text, json_object, json_schema };
  explicit output_constraint(format f) : format_(f) {}

  format format_ = format::text;
  std::unique_ptr<const model::compiled_schema> owned_;  // when compiled here
  const model::compiled_schema* schema_ = nullptr;
  std::optional<model::json_schema_prefix> state_;  // after generated[0..consumed_)
  std::size_t consumed_ = 0;
  model::schema_token_mask::scratch mask_scratch_;
};

}  // namespace infergrid::gpu_worker
