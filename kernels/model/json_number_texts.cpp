#include "kernels/model/json_number_texts.hpp"

#include <vector>

#include "kernels/model/decimal_text.hpp"

namespace infergrid::model {
namespace {

using json = nlohmann::ordered_json;

// An integer as written (no fraction, no exponent) that nlohmann holds as a double: past 64 bits.
// Its double may print the same value (100000000000000000000 -> 1e+20), but as a float; the text
// keeps it an integer, as Python's json and JavaScript's BigInt read it.
bool is_integer_text(std::string_view text) { return text.find_first_of(".eE") == std::string_view::npos; }

// nlohmann's own DOM builder, told each value's JSON pointer as it goes, noting the texts of the
// numbers whose doubles differ from them.
class texts_keeping_builder {
 public:
  texts_keeping_builder(json_with_number_texts& out, std::string& failure)
      : out_(out), failure_(failure), dom_(out.value, /*allow_exceptions=*/false) {}

  bool null() { return scalar() && dom_.null(); }
  bool boolean(bool v) { return scalar() && dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return scalar() && dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar() && dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const std::string& text) {
    if (is_integer_text(text) || !same_decimal(text, json(v).dump())) out_.texts[value_pointer()] = text;
    return scalar() && dom_.number_float(v, text);
  }
  bool string(std::string& v) { return scalar() && dom_.string(v); }
  bool binary(json::binary_t& v) { return scalar() && dom_.binary(v); }
  bool start_object(std::size_t n) { return open(false) && dom_.start_object(n); }
  bool key(std::string& k) {
    open_.back().key = k;
    forget_texts_under(value_pointer());  // a key given again: its earlier value is gone
    return dom_.key(k);
  }
  bool end_object() { return close() && dom_.end_object(); }
  bool start_array(std::size_t n) { return open(true) && dom_.start_array(n); }
  bool end_array() { return close() && dom_.end_array(); }
  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& e) {
    failure_ = e.what();
    return dom_.parse_error(position, token, e);
  }

 private:
  struct container {
    std::string pointer;
    bool array = false;
    std::size_t index = 0;  // arrays: the next item's
    std::string key;        // objects: the current member's
  };

  std::string value_pointer() const {
    if (open_.empty()) return {};
    const container& c = open_.back();
    return c.array ? c.pointer + "/" + std::to_string(c.index) : child_pointer(c.pointer, c.key);
  }
  void forget_texts_under(const std::string& pointer) {
    out_.texts.erase(pointer);
    const std::string inside = pointer + "/";
    auto it = out_.texts.lower_bound(inside);
    while (it != out_.texts.end() && it->first.starts_with(inside)) it = out_.texts.erase(it);
  }
  // A scalar ends at once: the next array item's index.
  bool scalar() {
    if (!open_.empty() && open_.back().array) ++open_.back().index;
    return true;
  }
  bool open(bool array) {
    open_.push_back(container{.pointer = value_pointer(), .array = array, .index = 0, .key = {}});
    return true;
  }
  bool close() {
    open_.pop_back();
    return scalar();
  }

  json_with_number_texts& out_;
  std::string& failure_;  // nlohmann's message for text that is not JSON
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<container> open_;
};

void dump_into(const json& value, const number_texts& texts, const std::string& pointer, std::string& out) {
  if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      if (!first) out += ',';
      first = false;
      out += json(key).dump();
      out += ':';
      dump_into(member, texts, child_pointer(pointer, key), out);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ',';
      dump_into(value[i], texts, pointer + "/" + std::to_string(i), out);
    }
    out += ']';
  } else if (value.is_number()) {
    out += number_text(value, texts, pointer);
  } else {
    out += value.dump();
  }
}

}  // namespace

result<json_with_number_texts> parse_keeping_number_texts(std::string_view text) {
  json_with_number_texts out;
  std::string failure;
  texts_keeping_builder builder(out, failure);
  if (!json::sax_parse(text, &builder)) return make_error(error_code::invalid_argument, failure);
  return out;
}

std::string dump_keeping_number_texts(const json& value, const number_texts& texts, const std::string& pointer) {
  if (texts.empty()) return value.dump();
  std::string out;
  dump_into(value, texts, pointer, out);
  return out;
}

std::string number_text(const json& number, const number_texts& texts, const std::string& pointer) {
  const auto kept = texts.find(pointer);
  return kept != texts.end() ? kept->second : number.dump();
}

number_texts moved_number_texts(const number_texts& texts, const std::string& from, const std::string& to) {
  number_texts out;
  for (auto it = texts.lower_bound(from); it != texts.end() && it->first.starts_with(from); ++it) {
    const std::string rest = it->first.substr(from.size());
    if (rest.empty() || rest[0] == '/') out.emplace(to + rest, it->second);
  }
  return out;
}

std::string child_pointer(const std::string& at, const std::string& key) {
  std::string escaped;
  for (const char c : key) {
    if (c == '~') escaped += "~0";
    else if (c == '/') escaped += "~1";
    else escaped += c;
  }
  return at + "/" + escaped;
}

}  // namespace infergrid::model
