// Chat-template golden tests: for every template (Qwen3 and Llama 3 from the npm tokenizer packages;
// Qwen2.5, Llama 3.1 and DeepSeek-R1-Distill from templates/) and every conversation of
// chat_cases.json, the family detect_template recognises in the template text renders exactly the
// bytes @huggingface/jinja renders (chat_renders.json, written once per run by make_fixtures.sh).
// @huggingface/jinja prints 1.0 as 1, so the conversations with floats, nested objects and unicode in
// tool definitions and tool-call arguments (chat_tool_cases.json) are compared with Jinja2's renders
// as transformers' apply_chat_template makes them (chat_tool_renders.json, committed; written by
// render_templates.py, which chat_tool_renders_are_current reruns where python3 has jinja2).
// Conversations with tools: what a template refuses (raise_exception: no render) tools_problem
// refuses too; a family the grid serves without tool calling refuses tools (not compared).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

#include "kernels/model/chat/chat_template.hpp"

namespace infergrid::chat {
namespace {

using json = nlohmann::ordered_json;  // tools keep their key order (templates print them)

struct golden_case {
  std::string template_name;
  template_family family;
  json conversation;
  std::string renders_path;  // {"renders": {template: {case: prompt or null}}}
};

// Short ctest names: the case is named by its template and conversation, not dumped as bytes.
void PrintTo(const golden_case& c, std::ostream* out) { *out << c.template_name; }

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json();
  return json::parse(in, nullptr, false);
}

std::vector<golden_case> load_cases(const std::string& cases_path, const std::string& renders_path) {
  const std::vector<std::pair<std::string, template_family>> templates = {
      {"qwen3", template_family::qwen3},       {"llama3", template_family::llama3},
      {"qwen2_5", template_family::qwen2_5},   {"llama3_1", template_family::llama3_1},
      {"deepseek_r1", template_family::deepseek_r1}};
  std::vector<golden_case> cases;
  const json conversations = read_json(cases_path);
  if (!conversations.is_array()) return cases;
  for (const auto& [name, family] : templates) {
    for (const json& conversation : conversations) cases.push_back({name, family, conversation, renders_path});
  }
  return cases;
}

// Each renders file read once.
const json& renders_in(const std::string& path) {
  static std::map<std::string, json> files;
  auto found = files.find(path);
  if (found == files.end()) found = files.emplace(path, read_json(path)).first;
  return found->second;
}

// Tool-call arguments as a client sends them: JSON text (a case may give the text itself).
std::string arguments_text(const json& arguments) {
  return arguments.is_string() ? arguments.get<std::string>() : arguments.dump();
}

class chat_golden : public ::testing::TestWithParam<golden_case> {};

TEST_P(chat_golden, renders_like_the_jinja_template) {
  const golden_case& c = GetParam();
  const json& golden = renders_in(c.renders_path);
  ASSERT_TRUE(golden.is_object()) << "no " << c.renders_path << " (chat_renders.json: the tokenizer_fixtures step)";
  if (golden.contains("templates")) {
    const std::string template_text = golden["templates"][c.template_name];
    ASSERT_EQ(detect_template(template_text), c.family) << c.template_name;
  }
  std::vector<chat_message> messages;
  for (const json& m : c.conversation["messages"]) {
    chat_message message{m["role"], m["content"]};
    for (const json& call : m.value("tool_calls", json::array())) {
      message.tool_calls.push_back({call["id"], call["function"]["name"], arguments_text(call["function"]["arguments"])});
    }
    message.tool_call_id = m.value("tool_call_id", "");
    messages.push_back(std::move(message));
  }
  render_options options;
  if (c.conversation.contains("tools")) {
    options.tools = c.conversation["tools"];
  }
  options.write_bos = true;  // Jinja is given the bos_token text
  options.add_generation_prompt = c.conversation.value("add_generation_prompt", true);
  if (c.conversation.contains("enable_thinking")) options.enable_thinking = c.conversation["enable_thinking"].get<bool>();
  const json& want = golden["renders"][c.template_name][c.conversation["name"].get<std::string>()];
  const auto problem = tools_problem(c.family, messages, options);
  if (want.is_null()) {
    EXPECT_TRUE(problem.has_value()) << "the template refuses this conversation; tools_problem should too";
    return;
  }
  if (problem) {
    EXPECT_FALSE(tool_format_of(c.family).supported) << *problem;
    return;
  }
  EXPECT_EQ(render_chat(c.family, messages, options), want.get<std::string>());
}

std::string case_name(const ::testing::TestParamInfo<golden_case>& info) {
  return info.param.template_name + "_" + info.param.conversation["name"].get<std::string>();
}

INSTANTIATE_TEST_SUITE_P(templates, chat_golden,
                         ::testing::ValuesIn(load_cases(INFERGRID_CHAT_CASES, std::string(INFERGRID_TOKENIZER_WORK_DIR) +
                                                                                  "/chat_renders.json")),
                         case_name);
INSTANTIATE_TEST_SUITE_P(python_templates, chat_golden,
                         ::testing::ValuesIn(load_cases(INFERGRID_CHAT_TOOL_CASES, INFERGRID_CHAT_TOOL_RENDERS)),
                         case_name);

}  // namespace
}  // namespace infergrid::chat
