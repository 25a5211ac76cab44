#include "kernels/model/chat/tool_call_parser.hpp"

#include <nlohmann/json.hpp>

#include "kernels/model/chat/chat_renderers.hpp"
#include "kernels/model/json_nesting.hpp"
#include "kernels/model/json_number_texts.hpp"

namespace infergrid::chat {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view python_tag = "<|python_tag|>";
constexpr std::string_view whitespace = " \t\r\n";

std::string_view open_tag(const tool_format& format) { return rstrip(format.prefix, whitespace); }
std::string_view close_tag(const tool_format& format) { return lstrip(format.suffix, whitespace); }

// Llama style: the reply (after <|python_tag|>) is one call object or several joined by ';'.
std::optional<std::vector<tool_call>> parse_json_calls(const tool_format& format, std::string_view text) {
  text = trim(text);
  if (text.starts_with(python_tag)) text = trim(text.substr(python_tag.size()));
  std::vector<tool_call> calls;
  while (!text.empty()) {
    const std::size_t end = text.find(';');
    auto call = parse_call_object(format, text.substr(0, end));
    if (!call) return std::nullopt;
    calls.push_back(std::move(*call));
    text = end == std::string_view::npos ? std::string_view{} : trim(text.substr(end + 1));
  }
  if (calls.empty()) return std::nullopt;
  return calls;
}

// The longest suffix of `text` that is a proper prefix of `tag` (text that may still become it).
std::size_t partial_tag(std::string_view text, std::string_view tag) {
  for (std::size_t n = std::min(text.size(), tag.size() - 1); n > 0; --n) {
    if (tag.starts_with(text.substr(text.size() - n))) return n;
  }
  return 0;
}

void append_content(std::string& content, std::string_view text) {
  if (content.empty()) content = std::string(lstrip(text, whitespace));
  else content += text;
}

}  // namespace

std::optional<tool_call> parse_call_object(const tool_format& format, std::string_view json_text) {
  if (!model::json_nesting_within(json_text)) return std::nullopt;  // no call: stays text
  // The arguments' numbers are passed on as the model wrote them (an enum's 0.1000000000000000000001
  // is not 0.1): parsed keeping the texts a double would round.
  auto parsed = model::parse_keeping_number_texts(json_text);
  if (!parsed.ok() || !parsed->value.is_object()) return std::nullopt;
  const json& object = parsed->value;
  auto name = object.find("name");
  if (name == object.end() || !name->is_string() || name->get<std::string>().empty()) return std::nullopt;
  const std::string arguments_key(format.arguments_key);
  auto arguments = object.find(arguments_key);
  json args = arguments == object.end() ? json::object() : *arguments;
  model::number_texts texts = model::moved_number_texts(parsed->texts, model::child_pointer("", arguments_key), "");
  if (args.is_string() && model::json_nesting_within(args.get<std::string>())) {  // some models write the arguments as a JSON string
    if (auto inner = model::parse_keeping_number_texts(args.get<std::string>()); inner.ok()) {
      args = std::move(inner->value);
      texts = std::move(inner->texts);
    }
  }
  if (!args.is_object()) return std::nullopt;
  return tool_call{"", name->get<std::string>(), model::dump_keeping_number_texts(args, texts)};
}

parsed_reply parse_tool_calls(const tool_format& format, std::string_view text) {
  parsed_reply out;
  if (!format.supported) {
    out.content = std::string(text);
    return out;
  }
  if (format.prefix.empty()) {
    const std::string_view body = trim(text);
    if (body.starts_with('{') || body.starts_with(python_tag)) {
      if (auto calls = parse_json_calls(format, body)) {
        out.calls = std::move(*calls);
        return out;
      }
    }
    out.content = std::string(text);
    return out;
  }
  tool_call_stream stream(format);
  out.content = stream.feed(text);
  out.content += stream.finish();
  out.calls = stream.take_calls();
  if (!out.calls.empty()) out.content = std::string(rstrip(out.content, whitespace));
  return out;
}

std::string tool_call_stream::feed(std::string_view piece) {
  pending_ += piece;
  if (!format_.supported) {
    std::string out;
    out.swap(pending_);
    return out;
  }
  if (format_.prefix.empty()) {
    if (!decided_) {
      const std::string_view head = lstrip(pending_, whitespace);
      if (head.empty() || (head.size() < python_tag.size() && python_tag.starts_with(head))) return "";
      decided_ = true;
      whole_json_ = head.starts_with('{') || head.starts_with(python_tag);
    }
    if (whole_json_) return "";
    std::string out;
    out.swap(pending_);
    return out;
  }
  return release_hermes(false);
}

// Hermes style: text before an opening tag is content; a complete block becomes a call (or, when
// it is no call object, content as written); a possible partial tag at the end waits.
std::string tool_call_stream::release_hermes(bool at_end) {
  const std::string_view open = open_tag(format_), close = close_tag(format_);
  std::string out;
  while (true) {
    const std::size_t start = pending_.find(open);
    if (start == std::string::npos) {
      const std::size_t keep = at_end ? 0 : partial_tag(pending_, open);
      out += pending_.substr(0, pending_.size() - keep);
      pending_.erase(0, pending_.size() - keep);
      break;
    }
    out += pending_.substr(0, start);
    const std::size_t end = pending_.find(close, start + open.size());
    if (end == std::string::npos) {
      pending_.erase(0, start);
      if (at_end) {  // an unclosed block: the text as written
        out += pending_;
        pending_.clear();
      }
      break;
    }
    const std::string_view inner(pending_.data() + start + open.size(), end - start - open.size());
    if (auto call = parse_call_object(format_, trim(inner))) {
      ready_.push_back(std::move(*call));
      // Whitespace between calls is not content.
      const std::size_t after = pending_.find_first_not_of(whitespace, end + close.size());
      pending_.erase(0, after == std::string::npos ? pending_.size() : after);
    } else {
      out += pending_.substr(0, end + close.size());
      pending_.erase(0, end + close.size());
    }
  }
  // Content is trimmed at its start; whitespace before a call stays pending until text follows it.
  std::string released;
  if (!content_seen_) {
    append_content(released, out);
    content_seen_ = !released.empty();
  } else {
    released = std::move(out);
  }
  return released;
}

std::string tool_call_stream::finish() {
  if (!format_.supported || (format_.prefix.empty() && !whole_json_)) {
    std::string out;
    out.swap(pending_);
    return out;
  }
  if (format_.prefix.empty()) {
    auto calls = parse_json_calls(format_, pending_);
    std::string out;
    if (calls) {
      for (auto& call : *calls) ready_.push_back(std::move(call));
    } else {
      out = pending_;
    }
    pending_.clear();
    return out;
  }
  return release_hermes(true);
}

std::vector<tool_call> tool_call_stream::take_calls() {
  std::vector<tool_call> out;
  out.swap(ready_);
  return out;
}

}  // namespace infergrid::chat
