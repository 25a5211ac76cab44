#include "kernels/model/chat/jinja_json.hpp"

#include <cmath>

#include "kernels/model/json_nesting.hpp"

namespace infergrid::chat {
namespace {

using json = nlohmann::ordered_json;

// JavaScript's Number#toString for what JSON can hold: integral values below 1e21 without a
// fraction, exponents without leading zeros ("1.5e-07" -> "1.5e-7").
std::string js_number(const json& value) {
  if (value.is_number_float()) {
    const double number = value.get<double>();
    if (std::isfinite(number) && std::trunc(number) == number && std::fabs(number) < 1e21) {
      return json(static_cast<std::int64_t>(number)).dump();
    }
  }
  std::string text = value.dump();
  const std::size_t e = text.find_first_of("eE");
  if (e == std::string::npos) return text;
  std::size_t digits = e + 1;
  if (digits < text.size() && (text[digits] == '+' || text[digits] == '-')) ++digits;
  while (digits + 1 < text.size() && text[digits] == '0') text.erase(digits, 1);
  return text;
}

// Where the number texts are looked up: `at` in the texts' document (nothing to track without texts).
struct number_place {
  const model::number_texts& texts;
  std::string at;
  number_place child(const std::string& key) const {
    return {texts, texts.empty() ? std::string() : model::child_pointer(at, key)};
  }
};

void write(const json& value, int indent, int depth, const number_place& place, std::string& out) {
  const bool pretty = indent >= 0;
  const auto newline = [&](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(indent * level), ' ');
  };
  if (value.is_object() || value.is_array()) {
    const bool object = value.is_object();
    out += object ? '{' : '[';
    if (value.empty()) {
      out += object ? '}' : ']';
      return;
    }
    std::size_t index = 0;
    for (auto it = value.begin(); it != value.end(); ++it, ++index) {
      if (index > 0) out += pretty ? "," : ", ";
      if (pretty) newline(depth + 1);
      if (object) out += json(it.key()).dump(-1, ' ', false, json::error_handler_t::replace) + ": ";
      write(*it, indent, depth + 1, place.child(object ? it.key() : std::to_string(index)), out);
    }
    if (pretty) newline(depth);
    out += object ? '}' : ']';
    return;
  }
  if (value.is_number()) {
    const auto kept = place.texts.find(place.at);
    out += kept != place.texts.end() ? kept->second : js_number(value);
    return;
  }
  out += value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string jinja_tojson(const nlohmann::ordered_json& value, int indent, const model::number_texts& texts,
                         const std::string& pointer) {
  std::string out;
  write(value, indent, 0, number_place{texts, pointer}, out);
  return out;
}

std::string arguments_tojson(std::string_view text) {
  if (!model::json_nesting_within(text)) return jinja_tojson(json(std::string(text)));
  auto parsed = model::parse_keeping_number_texts(text);
  if (!parsed.ok()) return jinja_tojson(json(std::string(text)));
  return jinja_tojson(parsed->value, -1, parsed->texts);
}

}  // namespace infergrid::chat
