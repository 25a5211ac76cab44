#pragma once
// schema_compiler: the inside of json_schema_compiler (one instance per schema text). compile()
// turns one schema object at JSON pointer `at` into a node; the per-type builders live in
// schema_compiler_types.cpp, keyword tables in schema_keywords.hpp, the graph checks that run once
// every node exists in schema_graph.hpp.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/model/compiled_schema.hpp"
#include "kernels/model/json_number_texts.hpp"
#include "kernels/model/json_schema_compiler.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

class schema_compiler {
 public:
  using json = nlohmann::ordered_json;
  // `texts`: the document's numbers that a double does not hold as written (json_number_texts.hpp).
  schema_compiler(const json& document, const number_texts& texts, const json_schema_limits& limits)
      : document_(document), texts_(texts), limits_(limits) {}

  result<std::uint32_t> compile(const json& schema, const std::string& at);
  compiled_schema& out() { return out_; }

 private:
  result<std::uint32_t> add(schema_node node);
  result<std::uint32_t> any_value();
  // `types` (a `type` beside the $ref or anyOf) narrows what they allow; empty: as they are.
  result<std::uint32_t> reference(const json& target, const std::string& at, const std::vector<std::string>& types);
  result<std::uint32_t> any_of(const json& alternatives, const std::string& at, const std::vector<std::string>& types);
  result<std::uint32_t> add_trie(std::vector<std::string> texts);  // -> index into tries
  result<std::uint32_t> literals(std::vector<std::string> texts, const std::string& at);
  result<std::uint32_t> enumeration(const json& schema, const std::string& at);
  result<std::uint32_t> typed(const json& schema, const std::string& type, const std::string& at);
  result<std::uint32_t> object(const json& schema, const std::string& at);
  result<std::uint32_t> array(const json& schema, const std::string& at);
  result<std::uint32_t> string(const json& schema, const std::string& at);
  result<std::uint32_t> number(const json& schema, bool integer, const std::string& at);
  // A string's `pattern` and/or `format` (with its length bounds) -> index into compiled_schema::patterns;
  // none without either.
  result<std::uint32_t> pattern(const json& schema, std::uint32_t min_length, std::uint32_t max_length, const std::string& at);
  // pattern, format: the keywords' values (null: absent).
  result<std::uint32_t> pattern_index(const json* pattern, const json* format, const std::string& at);
  std::size_t cells_left() const;  // of limits_.pattern_cells_max
  // The number at `at` ("#/properties/n/minimum") as the schema's text wrote it.
  std::string number_text(const json& number, const std::string& at) const;
  // The JSON value at `at` in compact form with its numbers as written; nullopt: a string not UTF-8.
  std::optional<std::string> compact(const json& value, const std::string& at) const;
  // Equal JSON values (numbers: the same decimal, however written), each at its pointer.
  bool same_value(const json& a, const std::string& at_a, const json& b, const std::string& at_b) const;

  const json& document_;
  const number_texts& texts_;
  const json_schema_limits& limits_;
  compiled_schema out_;
  // "#/..." (and "#/... as [types]" when narrowed) -> node (recursion lands here)
  std::map<std::string, std::uint32_t> references_;
  std::uint32_t any_ = schema_node::none;
  std::size_t literal_bytes_ = 0;
  std::map<std::string, std::uint32_t> patterns_;  // pattern and format texts -> index (one automaton each)
  std::size_t pattern_cells_ = 0;
};

error invalid_schema(const std::string& at, const std::string& what);
error unsupported_schema(const std::string& what);

}  // namespace infergrid::model
