#pragma once
// json_number_texts: JSON read and written again without rounding its numbers. nlohmann holds a
// number as a double (or a 64-bit integer), so 0.1000000000000000000001 written back is 0.1 and
// 12345678901234567890123 is 1.2345678901234568e+22 — other numbers than the ones sent. Read here,
// the text of each number whose double is another value (and of each integer past 64 bits, which
// nlohmann holds as a double: 100000000000000000000 would come back as the float 1e+20) is kept
// beside the document, by JSON pointer, and written back as it came: a request's schema passes from the bridge to the worker
// with its bounds and multipleOf as the client wrote them (json_schema_compiler reads them so).
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/result.hpp"

namespace infergrid::model {

// JSON pointer ("/properties/n/minimum", RFC 6901) -> the number's text as written, for each number
// whose double is not the same decimal value or that is an integer past 64 bits. Empty for most
// documents.
using number_texts = std::map<std::string, std::string>;

struct json_with_number_texts {
  nlohmann::ordered_json value;
  number_texts texts;
};

// errors: invalid_argument with nlohmann's message, for what nlohmann::ordered_json::parse refuses. A
// key given twice keeps its last value, as nlohmann does, and only that value's texts.
result<json_with_number_texts> parse_keeping_number_texts(std::string_view text);

// `value`'s compact JSON text (as dump() writes it), each number that has a text in `texts` at
// `pointer` + its own place written as that text. `value` sits at `pointer` in the texts' document.
std::string dump_keeping_number_texts(const nlohmann::ordered_json& value, const number_texts& texts,
                                      const std::string& pointer = "");

// The number at `pointer`: its kept text, else its dump.
std::string number_text(const nlohmann::ordered_json& number, const number_texts& texts, const std::string& pointer);

// The texts under `from`, moved under `to` (for a value copied there, its inside unchanged).
number_texts moved_number_texts(const number_texts& texts, const std::string& from, const std::string& to);

// "/a/b" + "c~/d" -> "/a/b/c~0~1d" (RFC 6901 escaping; also for "#/..." pointers).
std::string child_pointer(const std::string& at, const std::string& key);

}  // namespace infergrid::model
