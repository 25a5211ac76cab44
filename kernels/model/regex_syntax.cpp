#include "kernels/model/regex_syntax.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace infergrid::model {

code_point_set normalized(code_point_set set) {
  std::sort(set.begin(), set.end(), [](const code_point_range& a, const code_point_range& b) { return a.first < b.first; });
  code_point_set merged;
  for (const code_point_range& r : set) {
    if (r.first > r.last) continue;
    if (!merged.empty() && r.first <= merged.back().last + 1) merged.back().last = std::max(merged.back().last, r.last);
    else merged.push_back(r);
  }
  code_point_set out;  // without U+D800-U+DFFF
  for (const code_point_range& r : merged) {
    if (r.last < 0xD800 || r.first > 0xDFFF) {
      out.push_back(r);
      continue;
    }
    if (r.first < 0xD800) out.push_back({r.first, 0xD7FF});
    if (r.last > 0xDFFF) out.push_back({0xE000, r.last});
  }
  return out;
}

code_point_set complement(const code_point_set& set) {
  code_point_set out;
  std::uint32_t next = 0;
  for (const code_point_range& r : set) {
    if (r.first > next) out.push_back({next, r.first - 1});
    next = r.last + 1;
  }
  if (next <= code_point_max) out.push_back({next, code_point_max});
  return normalized(std::move(out));
}

bool contains(const code_point_set& set, std::uint32_t code_point) {
  const auto it = std::upper_bound(set.begin(), set.end(), code_point,
                                   [](std::uint32_t c, const code_point_range& r) { return c < r.first; });
  return it != set.begin() && code_point <= std::prev(it)->last;
}

std::optional<std::vector<std::uint32_t>> utf8_code_points(std::string_view text) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + length > text.size()) return std::nullopt;
    std::uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      code = code << 6 | (c & 0x3F);
    }
    out.push_back(code);
    i += length;
  }
  return out;
}

namespace {

const code_point_set digits = {{'0', '9'}};
const code_point_set word = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
// ECMA-262 WhiteSpace and LineTerminator.
const code_point_set space = normalized({{0x09, 0x0D}, {0x20, 0x20}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A},
                                         {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}});
const code_point_set line_terminators = {{0x0A, 0x0A}, {0x0D, 0x0D}, {0x2028, 0x2029}};

struct escape_row {
  char letter;
  code_point_set set;
};
// \d \D \w \W \s \S and the single-character escapes.
const std::vector<escape_row> escape_table = {
    {'d', digits}, {'D', complement(digits)}, {'w', word},         {'W', complement(word)},
    {'s', space},  {'S', complement(space)},  {'t', {{9, 9}}},     {'n', {{10, 10}}},
    {'v', {{11, 11}}}, {'f', {{12, 12}}},     {'r', {{13, 13}}},
};

struct refused_escape_row {
  char letter;
  const char* why;
};
const std::vector<refused_escape_row> refused_escapes = {
    {'b', "word boundaries (\\b) are not supported"}, {'B', "word boundaries (\\B) are not supported"},
    {'k', "backreferences (\\k<name>) are not supported"}, {'c', "control escapes (\\cX) are not supported"},
    {'p', "Unicode property escapes (\\p{...}) are not supported"}, {'P', "Unicode property escapes (\\P{...}) are not supported"},
};

constexpr std::string_view syntax_characters = "^$\\.*+?()[]{}|/-";

int hex_value(std::uint32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return static_cast<int>((c | 0x20) - 'a' + 10);
  return -1;
}

error malformed(const std::string& what) { return make_error(error_code::invalid_argument, what); }
error refused(const std::string& what) { return make_error(error_code::unsupported, what); }

class regex_parser {
 public:
  regex_parser(std::vector<std::uint32_t> text, const regex_limits& limits) : text_(std::move(text)), limits_(limits) {}

  result<regex_tree> parse() {
    auto root = alternation(0);
    if (!root.ok()) return root.err();
    if (!at_end()) return malformed(peek() == ')' ? "unmatched ')'" : "unexpected '" + std::string(1, static_cast<char>(peek())) + "'");
    tree_.root = *root;
    return std::move(tree_);
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  std::uint32_t peek(std::size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : 0; }
  bool take(std::uint32_t c) {
    if (at_end() || peek() != c) return false;
    ++pos_;
    return true;
  }
  std::uint32_t add(regex_node node) {
    tree_.nodes.push_back(std::move(node));
    return static_cast<std::uint32_t>(tree_.nodes.size() - 1);
  }

  result<std::uint32_t> alternation(std::uint32_t depth) {
    regex_node node{.kind = regex_kind::alternation};
    for (;;) {
      auto branch = sequence(depth);
      if (!branch.ok()) return branch;
      node.children.push_back(*branch);
      if (!take('|')) break;
    }
    if (node.children.size() == 1) return node.children[0];
    return add(std::move(node));
  }

  result<std::uint32_t> sequence(std::uint32_t depth) {
    regex_node node{.kind = regex_kind::sequence};
    while (!at_end() && peek() != '|' && peek() != ')') {
      auto item = quantified(depth);
      if (!item.ok()) return item;
      node.children.push_back(*item);
    }
    if (node.children.empty()) return add(regex_node{.kind = regex_kind::empty});
    if (node.children.size() == 1) return node.children[0];
    return add(std::move(node));
  }

  // {m}, {m,}, {m,n} after the '{'; nullopt: not a quantifier.
  result<std::uint32_t> count() {
    std::uint64_t value = 0;
    const std::size_t begin = pos_;
    while (!at_end() && peek() >= '0' && peek() <= '9') {
      value = std::min<std::uint64_t>(value * 10 + (peek() - '0'), UINT32_MAX);
      ++pos_;
    }
    if (pos_ == begin) return malformed("a '{' must start a quantifier {m}, {m,} or {m,n} (escape it as \\{)");
    if (value > limits_.repeat_max) {
      return refused("a repetition count above " + std::to_string(limits_.repeat_max) + " is not supported");
    }
    return static_cast<std::uint32_t>(value);
  }

  result<std::uint32_t> quantified(std::uint32_t depth) {
    const std::uint32_t c = peek();
    if (c == '*' || c == '+' || c == '?' || c == '{') return malformed("nothing to repeat before '" + std::string(1, static_cast<char>(c)) + "'");
    const bool anchor = c == '^' || c == '$';
    auto item = atom(depth);
    if (!item.ok()) return item;
    regex_node node{.kind = regex_kind::repeat, .children = {*item}};
    if (take('*')) node.max = regex_node::unbounded;
    else if (take('+')) node.min = 1, node.max = regex_node::unbounded;
    else if (take('?')) node.max = 1;
    else if (take('{')) {
      auto low = count();
      if (!low.ok()) return low;
      node.min = node.max = *low;
      if (take(',')) {
        node.max = regex_node::unbounded;
        if (peek() != '}') {
          auto high = count();
          if (!high.ok()) return high;
          node.max = *high;
        }
      }
      if (!take('}')) return malformed("a quantifier {m,n} is missing its '}'");
      if (node.min > node.max) return malformed("quantifier {" + std::to_string(node.min) + "," + std::to_string(node.max) + "} is out of order");
    } else {
      return *item;
    }
    if (anchor) return malformed("nothing to repeat: an anchor cannot take a quantifier");
    take('?');  // lazy: the same strings
    return add(std::move(node));
  }

  result<std::uint32_t> group(std::uint32_t depth) {
    if (depth + 1 > limits_.nesting_max) return refused("groups nest deeper than " + std::to_string(limits_.nesting_max));
    if (take('?')) {
      if (take(':')) {
      } else if (peek() == '=' || peek() == '!' || (peek() == '<' && (peek(1) == '=' || peek(1) == '!'))) {
        return refused("lookarounds ((?=, (?!, (?<=, (?<!) are not supported");
      } else if (take('<')) {
        while (!at_end() && peek() != '>') ++pos_;
        if (!take('>')) return malformed("a named group (?<name> is missing its '>'");
      } else {
        return refused("'(?' must start (?:...) or (?<name>...); flags are not supported");
      }
    }
    auto inner = alternation(depth + 1);
    if (!inner.ok()) return inner;
    if (!take(')')) return malformed("a group is missing its ')'");
    return *inner;
  }

  result<std::uint32_t> atom(std::uint32_t depth) {
    const std::uint32_t c = text_[pos_++];
    if (c == '(') return group(depth);
    if (c == '^') return add(regex_node{.kind = regex_kind::text_start});
    if (c == '$') return add(regex_node{.kind = regex_kind::text_end});
    if (c == ')' || c == ']' || c == '}') return malformed("unmatched '" + std::string(1, static_cast<char>(c)) + "'");
    code_point_set set;
    if (c == '.') set = complement(line_terminators);
    else if (c == '[') {
      auto body = class_body();
      if (!body.ok()) return body.err();
      set = std::move(*body);
    } else if (c == '\\') {
      auto escaped = escape(false);
      if (!escaped.ok()) return escaped.err();
      set = std::move(*escaped);
    } else {
      set = {{c, c}};
    }
    return add(regex_node{.kind = regex_kind::characters, .characters = normalized(std::move(set))});
  }

  result<std::uint32_t> hex_digits(std::size_t count) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const int digit = hex_value(peek());
      if (at_end() || digit < 0) return malformed("an escape \\x or \\u needs " + std::to_string(count) + " hex digits");
      value = value << 4 | static_cast<std::uint32_t>(digit);
      ++pos_;
    }
    return value;
  }

  result<std::uint32_t> unicode_escape() {
    if (take('{')) {
      std::uint32_t value = 0;
      std::size_t count = 0;
      while (hex_value(peek()) >= 0 && !at_end() && count < 8) value = value << 4 | static_cast<std::uint32_t>(hex_value(text_[pos_++])), ++count;
      if (count == 0 || !take('}') || value > code_point_max) return malformed("\\u{...} must name a code point up to 10FFFF");
      return value;
    }
    auto unit = hex_digits(4);
    if (!unit.ok() || *unit < 0xD800 || *unit > 0xDBFF || peek() != '\\' || peek(1) != 'u') return unit;
    const std::size_t save = pos_;
    pos_ += 2;
    auto low = hex_digits(4);
    if (low.ok() && *low >= 0xDC00 && *low <= 0xDFFF) return 0x10000 + ((*unit - 0xD800) << 10) + (*low - 0xDC00);
    pos_ = save;
    return unit;
  }

  // After a backslash; in a class \b is a backspace.
  result<code_point_set> escape(bool in_class) {
    if (at_end()) return malformed("the pattern ends with a lone '\\'");
    const std::uint32_t c = text_[pos_++];
    for (const escape_row& row : escape_table) {
      if (static_cast<std::uint32_t>(row.letter) == c) return row.set;
    }
    if (c == 'b' && in_class) return code_point_set{{8, 8}};
    for (const refused_escape_row& row : refused_escapes) {
      if (static_cast<std::uint32_t>(row.letter) == c) return refused(row.why);
    }
    if (c >= '1' && c <= '9') return refused("backreferences (\\" + std::string(1, static_cast<char>(c)) + ") are not supported");
    if (c == '0') {
      if (peek() >= '0' && peek() <= '9') return refused("octal escapes are not supported");
      return code_point_set{{0, 0}};
    }
    if (c == 'x' || c == 'u') {
      auto value = c == 'x' ? hex_digits(2) : unicode_escape();
      if (!value.ok()) return value.err();
      return code_point_set{{*value, *value}};
    }
    if (c < 0x80 && syntax_characters.find(static_cast<char>(c)) != std::string_view::npos) return code_point_set{{c, c}};
    return malformed(c < 0x80 ? "unknown escape \\" + std::string(1, static_cast<char>(c)) : std::string("unknown escape of a non-ASCII character"));
  }

  // One member of a class: a character (single) or a class escape such as \d.
  result<code_point_set> class_atom() {
    const std::uint32_t c = text_[pos_++];
    if (c != '\\') return code_point_set{{c, c}};
    return escape(true);
  }

  result<code_point_set> class_body() {
    const bool negated = take('^');
    code_point_set set;
    for (;;) {
      if (at_end()) return malformed("a character class is missing its ']'");
      if (take(']')) break;
      auto low = class_atom();
      if (!low.ok()) return low;
      if (peek() == '-' && peek(1) != ']' && pos_ + 1 < text_.size()) {
        ++pos_;
        auto high = class_atom();
        if (!high.ok()) return high;
        if (low->size() != 1 || high->size() != 1 || low->front().first != low->front().last ||
            high->front().first != high->front().last) {
          return malformed("a class range needs a single character at each end");
        }
        if (low->front().first > high->front().first) return malformed("a class range is out of order");
        set.push_back({low->front().first, high->front().first});
        continue;
      }
      set.insert(set.end(), low->begin(), low->end());
    }
    set = normalized(std::move(set));
    return negated ? complement(set) : set;
  }

  std::vector<std::uint32_t> text_;
  const regex_limits& limits_;
  std::size_t pos_ = 0;
  regex_tree tree_;
};

}  // namespace

result<regex_tree> parse_regex(std::string_view pattern, const regex_limits& limits) {
  if (pattern.size() > limits.pattern_bytes_max) {
    return make_error(error_code::too_large, "the pattern is longer than " + std::to_string(limits.pattern_bytes_max) + " bytes");
  }
  auto text = utf8_code_points(pattern);
  if (!text) return malformed("the pattern is not UTF-8");
  return regex_parser(std::move(*text), limits).parse();
}

}  // namespace infergrid::model
