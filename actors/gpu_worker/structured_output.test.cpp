// output_format json_schema in continuous_batch on the real engine (stories260k): sampled jobs
// stream output_prefix + a JSON value valid against the schema + output_suffix and stop there; a
// job resumed mid-answer continues with the same tokens (the mask follows the generated tokens
// alone); a schema outside the supported subset is refused at admission, naming the keyword.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "actors/gpu_worker/batch_testing.test.hpp"
#include "kernels/model/schema_test_support.hpp"

namespace infergrid::gpu_worker {
namespace {

const char* const tool_schema =
    R"({"type":"object","properties":{"name":{"const":"get_weather"},"arguments":{"type":"object","properties":{"city":{"type":"string","maxLength":20},"days":{"type":"integer","minimum":1,"maximum":14},"unit":{"enum":["celsius","fahrenheit"]}},"required":["city","days"],"additionalProperties":false}},"required":["name","arguments"],"additionalProperties":false})";

inference_job tool_call_job(const std::string& id, std::uint64_t seed) {
  inference_job job = make_job(id, "Once upon a time", 300, 0.8f);
  job.request.sampling.seed = seed;
  job.request.sampling.output_format = "json_schema";
  job.request.sampling.output_schema = tool_schema;
  job.request.sampling.output_prefix = "<tool_call>\n";
  job.request.sampling.output_suffix = "\n</tool_call>";
  return job;
}

TEST(structured_output, json_schema_jobs_stream_a_valid_call_and_stop_after_it) {
  auto& f = shared();
  continuous_batch batch(f.engine, f.vocab, {}, "w");
  for (std::uint64_t seed = 1; seed <= 4; ++seed) ASSERT_TRUE(batch.admit(tool_call_job("call" + std::to_string(seed), seed)).ok());
  const auto out = run_to_completion(batch);
  const auto schema = model::testing_support::ordered_json::parse(tool_schema);
  ASSERT_EQ(out.size(), 4u);
  for (const auto& [id, got] : out) {
    EXPECT_EQ(got.finish_reason, finish_stop) << id << ": " << got.text;
    ASSERT_TRUE(got.text.starts_with("<tool_call>\n") && got.text.ends_with("\n</tool_call>")) << id << ": " << got.text;
    const std::string value = got.text.substr(12, got.text.size() - 12 - 13);
    ASSERT_TRUE(nlohmann::json::accept(value)) << id << ": " << got.text;
    EXPECT_TRUE(model::testing_support::schema_accepts(nlohmann::json::parse(value), schema, schema)) << id << ": " << value;
  }
}

TEST(structured_output, a_resumed_json_schema_job_continues_with_the_same_tokens) {
  auto& f = shared();
  continuous_batch batch(f.engine, f.vocab, {}, "w");
  ASSERT_TRUE(batch.admit(tool_call_job("whole", 7)).ok());
  const auto whole = run_to_completion(batch)["whole"];
  ASSERT_GT(whole.tokens.size(), 20u);
  for (const std::size_t cut : {std::size_t{3}, std::size_t{11}, whole.tokens.size() - 2}) {
    EXPECT_EQ(resume_after(batch, tool_call_job("part", 7), whole.tokens, cut).joined, whole.tokens) << "cut at " << cut;
  }
}

TEST(structured_output, unsupported_schemas_and_formats_are_refused_at_admission) {
  auto& f = shared();
  continuous_batch batch(f.engine, f.vocab, {}, "w");
  auto job = tool_call_job("pattern", 1);
  job.request.sampling.output_schema = R"x({"type":"object","properties":{"city":{"type":"string","pattern":"^(?=A)"}}})x";
  auto refused = batch.admit(job);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::unsupported);
  EXPECT_NE(refused.err().message.find("'pattern' at #/properties/city/pattern: lookarounds"), std::string::npos) << refused.err().message;
  job.request.sampling.output_format = "yaml";
  EXPECT_EQ(batch.admit(job).err().code, error_code::invalid_argument);
  job.request.sampling.output_format = "json_object";  // schema fields belong to json_schema only
  EXPECT_EQ(batch.admit(job).err().code, error_code::invalid_argument);
  EXPECT_TRUE(batch.idle());
}

}  // namespace
}  // namespace infergrid::gpu_worker
