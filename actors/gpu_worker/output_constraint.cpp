#include "actors/gpu_worker/output_constraint.hpp"

#include "kernels/model/json_schema_compiler.hpp"

namespace infergrid::gpu_worker {

result<output_constraint> output_constraint::make(const sampling_params& params, const model::compiled_schema* compiled) {
  const bool schema_fields = !params.output_schema.empty() || !params.output_prefix.empty() || !params.output_suffix.empty();
  if (params.output_format.empty() || params.output_format == "json_object") {
    if (schema_fields) {
      return make_error(error_code::invalid_argument, "output_schema/output_prefix/output_suffix need output_format \"json_schema\"");
    }
    return output_constraint(params.output_format.empty() ? format::text : format::json_object);
  }
  if (params.output_format != "json_schema") {
    return make_error(error_code::invalid_argument, "output_format '" + params.output_format +
                                                        "' is not supported (\"\", \"json_object\" or \"json_schema\")");
  }
  if (params.output_schema.empty()) return make_error(error_code::invalid_argument, "output_format json_schema needs an output_schema");
  output_constraint constraint(format::json_schema);
  if (compiled == nullptr) {
    auto own = model::compile_json_schema(params.output_schema, params.output_prefix, params.output_suffix);
    if (!own.ok()) return own.err();
    constraint.owned_ = std::make_unique<const model::compiled_schema>(std::move(*own));
    compiled = constraint.owned_.get();
  }
  constraint.schema_ = compiled;
  constraint.state_.emplace(*compiled);
  return constraint;
}

std::span<const float> output_constraint::apply(const output_masks& masks, std::span<const model::token_id> generated,
                                                std::span<const float> logits, std::vector<float>& scratch) {
  if (format_ == format::text) return logits;
  scratch.assign(logits.begin(), logits.end());
  if (format_ == format::json_object) {
    masks.json.apply(generated, scratch);
    return scratch;
  }
  if (generated.size() < consumed_) {  // not the tokens followed so far: start over
    state_.emplace(*schema_);
    consumed_ = 0;
  }
  for (; consumed_ < generated.size(); ++consumed_) {
    if (!masks.schema.advance(*state_, generated[consumed_])) {
      // Not a continuation (a forged answer being replayed): the state is dead; only end tokens stay.
      consumed_ = generated.size();
      break;
    }
  }
  masks.schema.apply(*state_, scratch, mask_scratch_);
  return scratch;
}

}  // namespace infergrid::gpu_worker
