#pragma once
// One renderer per template family (chat_template.hpp describes each), and the Python string
// methods the templates use, with Python's semantics.
#include <string>
#include <string_view>
#include <vector>

#include "kernels/model/chat/chat_template.hpp"

namespace infergrid::chat {

std::string render_plain(const std::vector<chat_message>& messages, const render_options& options);
std::string render_chatml(const std::vector<chat_message>& messages, const render_options& options);
std::string render_qwen2_5(const std::vector<chat_message>& messages, const render_options& options);
std::string render_qwen3(const std::vector<chat_message>& messages, const render_options& options);
std::string render_deepseek_r1(const std::vector<chat_message>& messages, const render_options& options);
std::string render_llama3(const std::vector<chat_message>& messages, const render_options& options);
std::string render_llama3_1(const std::vector<chat_message>& messages, const render_options& options);
std::string render_llama2(const std::vector<chat_message>& messages, const render_options& options);
std::string render_zephyr(const std::vector<chat_message>& messages, const render_options& options);

// str.strip(chars) / lstrip / rstrip; Jinja's `trim` is strip() of whitespace.
std::string_view strip(std::string_view text, std::string_view chars);
std::string_view lstrip(std::string_view text, std::string_view chars);
std::string_view rstrip(std::string_view text, std::string_view chars);
std::string_view trim(std::string_view text);
// text.split(separator)[0] and [-1].
std::string_view before_first(std::string_view text, std::string_view separator);
std::string_view after_last(std::string_view text, std::string_view separator);

}  // namespace infergrid::chat
