// Byte-level BPE conformance against the real tokenizers: for every text of corpus.json and both
// vocabularies (Qwen3, Llama 3.1), the ids our tokenizer gives a GGUF written by `infergrid make-model
// --vocab` equal the ids transformers.js gives the model's own tokenizer.json (expected_ids.json,
// written once per run by make_fixtures.sh), and the ids decode back to the exact text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <memory>

#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {
namespace {

using json = nlohmann::json;

struct corpus_case {
  std::string vocab;
  std::string name;
  std::string text;
};

// Short ctest names: the case is named by its vocabulary and text, not dumped as bytes.
void PrintTo(const corpus_case& c, std::ostream* out) { *out << c.vocab; }

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json();
  return json::parse(in, nullptr, false);
}

std::vector<corpus_case> load_cases() {
  std::vector<corpus_case> cases;
  const json corpus = read_json(INFERGRID_TOKENIZER_CORPUS);
  if (!corpus.is_array()) return cases;
  for (const char* vocab : {"qwen3", "llama3"}) {
    for (const json& entry : corpus) cases.push_back({vocab, entry["name"], entry["text"]});
  }
  return cases;
}

std::string work_dir() { return std::string(INFERGRID_TOKENIZER_WORK_DIR); }

const tokenizer& vocabulary_for(const std::string& vocab) {
  static std::map<std::string, std::unique_ptr<tokenizer>> loaded;
  auto& slot = loaded[vocab];
  if (!slot) {
    auto file = gguf_file::open(work_dir() + "/" + vocab + "-tiny.gguf");
    if (!file) throw std::runtime_error(file.err().message);
    auto t = tokenizer::from_gguf(*file);
    if (!t) throw std::runtime_error(t.err().message);
    slot = std::make_unique<tokenizer>(std::move(*t));
  }
  return *slot;
}

class bpe_conformance : public ::testing::TestWithParam<corpus_case> {};

TEST_P(bpe_conformance, ids_match_the_reference_and_round_trip) {
  const corpus_case& c = GetParam();
  static const json expected = read_json(work_dir() + "/expected_ids.json");
  ASSERT_TRUE(expected.is_object()) << "no " << work_dir() << "/expected_ids.json (the tokenizer_fixtures step)";
  const std::vector<token_id> want = expected[c.vocab][c.name].get<std::vector<token_id>>();
  const tokenizer& t = vocabulary_for(c.vocab);
  const std::vector<token_id> got = t.encode(c.text);
  EXPECT_EQ(got, want) << c.vocab << " / " << c.name;
  const std::size_t skip = t.add_bos() && !got.empty() && got.front() == t.bos_id() ? 1 : 0;
  EXPECT_EQ(t.decode(std::span(got).subspan(skip), /*render_special=*/true), c.text) << "round trip of " << c.name;
}

std::string case_name(const ::testing::TestParamInfo<corpus_case>& info) {
  return info.param.vocab + "_" + info.param.name;
}

INSTANTIATE_TEST_SUITE_P(corpus, bpe_conformance, ::testing::ValuesIn(load_cases()), case_name);

}  // namespace
}  // namespace infergrid::model
