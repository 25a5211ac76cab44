// Every architecture of the table (kernels/model/architecture.hpp) through the Vulkan engine against
// the CPU reference forward pass, on random-weight GGUFs with each architecture's real tensor names
// and metadata, in F16 and Q8_0: logits at every step of a prefill and greedy decode, and the greedy
// ids computed on the device equal to the reference's argmax. Covers llama (plain, q/k/v biases,
// llama3 rope scaling from rope_freqs.weight and from metadata), qwen2 (biases, NEOX rope, tied
// embeddings) and qwen3 (per-head q/k norms, a head size that is not width / heads).
#include <gtest/gtest.h>

#include "kernels/engine/engine_test_support.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::engine {
namespace {

using model::testing_support::temp_path;
using testing_support::compare_with_reference;

struct arch_case {
  std::string name;
  model::random_llama_options options;
};

model::random_llama_options tiny(const std::string& architecture) {
  model::random_llama_options o = model::random_llama_tiny(model::ggml_type::f16);
  o.architecture = architecture;
  o.context_length = 64;
  return o;
}

std::vector<arch_case> arch_cases() {
  std::vector<arch_case> out;
  out.push_back({"llama", tiny("llama")});
  model::random_llama_options biased = tiny("llama");
  biased.qkv_bias = true;
  out.push_back({"llama_qkv_bias", biased});
  // Original context 64: the low frequencies' divisors matter within the test's positions.
  model::random_llama_options llama3 = tiny("llama");
  llama3.llama3_rope = model::llama3_rope_source::tensor;
  llama3.llama3_original_context = 64;
  out.push_back({"llama3_rope_freqs_tensor", llama3});
  llama3.llama3_rope = model::llama3_rope_source::metadata;
  out.push_back({"llama3_rope_scaling_metadata", llama3});
  model::random_llama_options qwen2 = tiny("qwen2");
  qwen2.tied_output = true;
  out.push_back({"qwen2_tied", qwen2});
  // YaRN as Qwen2.5 ships it for long context (factor 4), over an original context of 32 so the
  // ramp and the attention scale both act within the test's positions.
  model::random_llama_options yarn = qwen2;
  yarn.yarn_factor = 4.0f;
  yarn.yarn_original_context = 32;
  out.push_back({"qwen2_yarn", yarn});
  model::random_llama_options qwen3 = tiny("qwen3");
  qwen3.head_dim = 32;  // 4 heads of 32 over a width of 64, as Qwen3 sets attention.key_length
  out.push_back({"qwen3", qwen3});
  return out;
}

void PrintTo(const arch_case& c, std::ostream* out) { *out << c.name; }

class architecture_engine
    : public ::testing::TestWithParam<std::tuple<arch_case, model::ggml_type>> {};

TEST_P(architecture_engine, logits_and_greedy_ids_match_reference) {
  auto [c, type] = GetParam();
  c.options.weight_type = type;
  const std::string path = temp_path("arch_" + c.name + "_" + std::string(model::traits_of(type).name) + ".gguf");
  auto written = model::write_random_llama(path, c.options);
  ASSERT_TRUE(written.ok()) << written.err().message;
  const std::vector<std::int32_t> prompt = {1, 300, 301, 302, 500, 5, 99, 42, 77, 10, 3, 250, 17, 8};
  int mismatches = 0;
  const double error = compare_with_reference(path, prompt, 12, {}, 0, &mismatches);
  EXPECT_LT(error, 1e-4) << c.name;
  EXPECT_EQ(mismatches, 0) << c.name;
  std::printf("%s %s: worst relative L2 error of logits vs CPU reference %.2e\n", c.name.c_str(),
              std::string(model::traits_of(type).name).c_str(), error);
}

INSTANTIATE_TEST_SUITE_P(every_architecture, architecture_engine,
                         ::testing::Combine(::testing::ValuesIn(arch_cases()),
                                            ::testing::Values(model::ggml_type::f16, model::ggml_type::q8_0)),
                         [](const auto& info) {
                           return std::get<0>(info.param).name + "_" +
                                  std::string(model::traits_of(std::get<1>(info.param)).name);
                         });

// llama.cpp's Q4_K_M mix (Q4_K with Q6_K for the sensitive tensors) on rows of 256 weights, as the
// Qwen and Llama files users bring have them: each architecture's logits against the reference.
TEST(architecture_engine_q4_k_m, logits_and_greedy_ids_match_reference) {
  for (const std::string architecture : {"llama", "qwen2", "qwen3"}) {
    model::random_llama_options o = tiny(architecture);
    o.n_embd = 256;
    o.n_ff = 512;
    o.n_heads = 4;
    o.n_kv_heads = 2;
    o.tied_output = architecture == "qwen2";
    o.mix = model::quant_mix_named("q4_k_m");
    ASSERT_TRUE(o.mix.has_value());
    const std::string path = temp_path("arch_" + architecture + "_q4_k_m.gguf");
    auto written = model::write_random_llama(path, o);
    ASSERT_TRUE(written.ok()) << written.err().message;
    const std::vector<std::int32_t> prompt = {1, 300, 301, 302, 500, 5, 99, 42, 77, 10, 3, 250, 17, 8};
    int mismatches = 0;
    const double error = compare_with_reference(path, prompt, 12, {}, 0, &mismatches);
    EXPECT_LT(error, 1e-4) << architecture;
    EXPECT_EQ(mismatches, 0) << architecture;
    std::printf("%s q4_k_m: worst relative L2 error of logits vs CPU reference %.2e\n", architecture.c_str(), error);
  }
}

// The llama3 divisors reach the reference's logits (so the comparison above checks them on both sides).
TEST(architecture_reference, llama3_rope_scaling_changes_the_logits) {
  std::vector<std::vector<float>> logits;
  for (auto source : {model::llama3_rope_source::none, model::llama3_rope_source::tensor}) {
    model::random_llama_options o = tiny("llama");
    o.llama3_rope = source;
    o.llama3_original_context = 64;
    const std::string path = temp_path("arch_llama3_effect_" + std::to_string(static_cast<int>(source)) + ".gguf");
    ASSERT_TRUE(model::write_random_llama(path, o).ok());
    auto file = model::gguf_file::open(path);
    ASSERT_TRUE(file.ok());
    auto forward = reference::llama_forward::create(*file);
    ASSERT_TRUE(forward.ok()) << forward.err().message;
    const std::vector<std::int32_t> prompt = {1, 300, 301, 302, 500, 5, 99, 42, 77, 10, 3, 250, 17, 8};
    logits.push_back(forward->forward(prompt, 0).value());
  }
  EXPECT_GT(testing_support::relative_l2(logits[1], logits[0]), 1e-3);
}

}  // namespace
}  // namespace infergrid::engine
