// The model subcommands of the `infergrid` binary, run as a user would.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <set>

#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

struct run_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

run_result run_cli(const std::string& arguments) {
  const char* binary_dir = std::getenv("INFERGRID_BINARY_DIR");
  const std::string command =
      std::string(binary_dir != nullptr ? binary_dir : "build") + "/actors/cli/infergrid " + arguments + " 2>&1";
  run_result result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(model_cli, model_info_describes_stories260k) {
  const run_result r = run_cli("model-info --tensors " + testing_support::stories260k_path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("layers 5, embd 64, heads 8 (kv 4, head_dim 8), ffn 172, vocab 512"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("blk.4.ffn_down.weight"), std::string::npos);
  EXPECT_NE(r.output.find("SentencePiece, 512 tokens"), std::string::npos);
}

TEST(model_cli, make_model_writes_a_loadable_model) {
  const std::string path = testing_support::temp_path("cli_tiny.gguf");
  const run_result made = run_cli("make-model --size tiny --type q4_0 --seed 3 --out " + path);
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const run_result info = run_cli("model-info " + path);
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("layers 2, embd 64, heads 4 (kv 2, head_dim 16), ffn 96, vocab 600"), std::string::npos)
      << info.output;
}

// llama.cpp's low-bit mixes: make-model writes them, model-info names their K-quant types.
TEST(model_cli, make_model_writes_the_q3_k_m_and_q2_k_mixes) {
  for (const auto& [mix, types] : {std::pair<std::string, std::vector<std::string>>{"q3_k_m", {"Q3_K", "Q4_K", "Q5_K", "Q6_K"}},
                                   std::pair<std::string, std::vector<std::string>>{"q2_k", {"Q2_K", "Q3_K", "Q6_K"}}}) {
    const std::string path = testing_support::temp_path("cli_" + mix + ".gguf");
    const run_result made = run_cli("make-model --size small --type " + mix + " --out " + path);
    ASSERT_EQ(made.exit_code, 0) << made.output;
    const run_result info = run_cli("model-info --tensors " + path);
    EXPECT_EQ(info.exit_code, 0) << info.output;
    for (const std::string& type : types) EXPECT_NE(info.output.find(" " + type + " "), std::string::npos) << mix << " " << type;
  }
}

// Q2_K_S (llama.cpp's ftype 21): the small model's 8 heads over 4 kv heads and 4 layers pick no Q4_K,
// so Q2_K matrices, the Q6_K output and the Q4_0 fallback of the 1408-wide ffn_down, and none of Q2_K's
// Q3_K. --pure: no mix, every matrix in the type (the 100m shape's rows are whole super-blocks).
TEST(model_cli, make_model_writes_q2_k_s_and_a_pure_q2_k_file) {
  const auto tensor_types = [](const std::string& path) {
    const run_result info = run_cli("model-info --tensors " + path);
    EXPECT_EQ(info.exit_code, 0) << info.output;
    std::set<std::string> types;
    for (const char* type : {"F32", "Q2_K", "Q3_K", "Q4_K", "Q4_0", "Q6_K"}) {
      if (info.output.find(std::string(" ") + type + " ") != std::string::npos) types.insert(type);
    }
    return types;
  };
  const std::string s_path = testing_support::temp_path("cli_q2_k_s.gguf");
  const run_result s_made = run_cli("make-model --size small --type q2_k_s --out " + s_path);
  ASSERT_EQ(s_made.exit_code, 0) << s_made.output;
  EXPECT_EQ(tensor_types(s_path), (std::set<std::string>{"F32", "Q2_K", "Q4_0", "Q6_K"}));
  const std::string pure_path = testing_support::temp_path("cli_q2_k_pure.gguf");
  const run_result pure_made = run_cli("make-model --size 100m --type q2_k --pure --out " + pure_path);
  ASSERT_EQ(pure_made.exit_code, 0) << pure_made.output;
  EXPECT_NE(pure_made.output.find("q2_k pure"), std::string::npos) << pure_made.output;
  EXPECT_EQ(tensor_types(pure_path), (std::set<std::string>{"F32", "Q2_K"}));
}

TEST(model_cli, make_model_writes_each_architecture) {
  for (const std::string arch : {"llama", "qwen2", "qwen3"}) {
    const std::string path = testing_support::temp_path("cli_" + arch + ".gguf");
    const run_result made = run_cli("make-model --arch " + arch + " --size tiny --type q8_0 --out " + path);
    ASSERT_EQ(made.exit_code, 0) << made.output;
    const run_result info = run_cli("model-info --tensors " + path);
    EXPECT_EQ(info.exit_code, 0) << info.output;
    EXPECT_NE(info.output.find(arch + ": layers 2, embd 64"), std::string::npos) << info.output;
    EXPECT_NE(info.output.find(arch == "llama" ? "rope: norm" : "rope: neox"), std::string::npos) << info.output;
    EXPECT_EQ(info.output.find("blk.1.attn_v.bias") != std::string::npos, arch == "qwen2") << info.output;
    EXPECT_EQ(info.output.find("blk.1.attn_k_norm.weight") != std::string::npos, arch == "qwen3") << info.output;
  }
  const run_result unknown = run_cli("make-model --arch gpt2 --size tiny --out " + testing_support::temp_path("x.gguf"));
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("gpt2"), std::string::npos) << unknown.output;
}

// rope_scaling::yarn is the enum's last value: model-info once read its name past the end of a table of three.
TEST(model_cli, model_info_names_each_rope_scaling) {
  random_llama_options yarn = testing_support::tiny_llama_options();
  yarn.yarn_factor = 4.0f;
  random_llama_options llama3 = testing_support::tiny_llama_options();
  llama3.llama3_rope = llama3_rope_source::metadata;
  for (const auto& [options, name] : {std::pair{yarn, "yarn"}, std::pair{llama3, "llama3"}}) {
    const std::string path = testing_support::temp_path(std::string("cli_rope_") + name + ".gguf");
    ASSERT_TRUE(write_random_llama(path, options).ok());
    const run_result r = run_cli("model-info " + path);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(std::string("scaling ") + name + ";"), std::string::npos) << r.output;
  }
}

// generate refuses a file whose tokenizer is unusable; model-info once printed "tokenizer: unavailable"
// and exited 0. It fails with the tokenizer's error, after printing what it could.
TEST(model_cli, model_info_fails_on_an_unusable_tokenizer) {
  auto writer = build_random_llama(testing_support::tiny_llama_options());
  ASSERT_TRUE(writer.ok());
  writer->set_u32("tokenizer.ggml.bos_token_id", 600);  // one past the 600-token vocabulary
  const std::string path = testing_support::temp_path("cli_bad_tokenizer.gguf");
  ASSERT_TRUE(writer->write(path).ok());
  const run_result r = run_cli("model-info --tensors " + path);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("error: the tokenizer is unusable: tokenizer.ggml.bos_token_id = 600"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("layers 2, embd 64"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("blk.1.ffn_down.weight"), std::string::npos) << r.output;
}

TEST(model_cli, model_info_reports_a_broken_file) {
  const std::string path = testing_support::temp_path("cli_broken.gguf");
  const std::string text = "GGUF but not really";
  testing_support::write_bytes(path, std::as_bytes(std::span(text)));
  const run_result r = run_cli("model-info " + path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("error: "), std::string::npos) << r.output;
}

}  // namespace
}  // namespace infergrid::model
