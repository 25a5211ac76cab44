#include "kernels/model/chat/jinja_json.hpp"

#include <cmath>

#include "kernels/model/json_nesting.hpp"

namespace infergrid::chat {
namespace {

using json = nlohmann::ordered_json;

// Python's repr of a float, as json.dumps writes it: the shortest digits that read back as the same
// double (nlohmann's dump finds those), in positional notation while the decimal point sits within
// -4 < point <= 16 (with ".0" when nothing follows it: 1.0, 100.0, 1000000000000000.0), else as
// d.ddde±XX with at least two exponent digits (1e-05, 1.5e-07, 1e+16). Integers are not floats: 1.
std::string python_float(double number) {
  if (std::isnan(number)) return "NaN";
  if (std::isinf(number)) return number > 0 ? "Infinity" : "-Infinity";
  const std::string text = json(number).dump();
  const bool negative = !text.empty() && text[0] == '-';
  std::string digits;
  int point = 0;  // the decimal point sits `point` digits from the left of `digits`
  bool seen_point = false;
  std::size_t at = negative ? 1 : 0;
  for (; at < text.size() && text[at] != 'e' && text[at] != 'E'; ++at) {
    if (text[at] == '.') {
      seen_point = true;
    } else {
      digits += text[at];
      if (!seen_point) ++point;
    }
  }
  if (at < text.size()) point += std::stoi(text.substr(at + 1));
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return negative ? "-0.0" : "0.0";
  digits.erase(0, first);
  point -= static_cast<int>(first);
  digits.erase(digits.find_last_not_of('0') + 1);
  const int length = static_cast<int>(digits.size());
  std::string out = negative ? "-" : "";
  if (point > -4 && point <= 16) {
    if (point <= 0) return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
    if (point >= length) return out + digits + std::string(static_cast<std::size_t>(point - length), '0') + ".0";
    return out + digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
  }
  out += digits.substr(0, 1);
  if (length > 1) out += "." + digits.substr(1);
  const int exponent = point - 1;
  const std::string magnitude = std::to_string(exponent < 0 ? -exponent : exponent);
  return out + (exponent < 0 ? "e-" : "e+") + (magnitude.size() < 2 ? "0" : "") + magnitude;
}

std::string python_number(const json& value) {
  return value.is_number_float() ? python_float(value.get<double>()) : value.dump();
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
    out += kept != place.texts.end() ? kept->second : python_number(value);
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
