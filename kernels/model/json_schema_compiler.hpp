#pragma once
// json_schema_compiler: JSON Schema text -> compiled_schema, or an error that names the keyword it
// cannot honour and where ("output_schema: 'oneOf' at #/properties/n/oneOf is not
// supported"), so a request with such a schema is refused instead of answered unconstrained.
//
// Supported (OpenAI's structured-output subset):
//   type (one or an array, e.g. ["string","null"]); string minLength/maxLength and `pattern`
//   (regex_syntax.hpp's subset, ECMA semantics: unanchored unless ^/$) and/or `format` (date-time,
//   date, time, duration, email, hostname, ipv4, ipv6, uuid: string_formats.hpp says what each
//   accepts; both: both hold); with minLength/maxLength beside them, those hold too; number and integer
//   minimum/maximum/exclusiveMinimum/exclusiveMaximum and multipleOf (exact decimal arithmetic on
//   the digits written, e.g. 0.07 for 0.01: schema_number.hpp); boolean; null; enum and const of any JSON
//   values; object properties/required/additionalProperties; array items/prefixItems/minItems/
//   maxItems; anyOf; $ref to any "#/..." pointer of the same document ($defs, definitions, "#"),
//   recursion included; a `type` beside anyOf or $ref (both hold: each alternative keeps only the
//   values of that type, one with none is left out); annotations (description, title, default, examples, $schema, $id,
//   $comment, strict, deprecated, readOnly, writeOnly, $defs, definitions, x-*) are ignored.
// Refused: every other keyword (allOf, oneOf, not, if/then/else,
//   patternProperties, propertyNames, uniqueItems, contains, min/maxProperties,
//   dependentRequired, dependentSchemas, unevaluated*, ...), remote $refs, false schemas.
// What is written, always valid against the schema (a subset of what it allows):
//   objects with declared properties: only those, in declared order, optional ones may be left
//   out (additionalProperties true or a schema adds nothing: extra keys are allowed, never needed);
//   objects without declared properties: any string keys when the schema is a bare object or
//   additionalProperties is true or a schema; `{}` only when it has `properties: {}` and no
//   additionalProperties (no-argument tools; llama.cpp's rule) or additionalProperties is false;
//   enum/const values in compact form; numbers without exponent, at most 15 digits
//   (schema_number.hpp); a schema with no type and no type-specific keyword: any JSON value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kernels/model/compiled_schema.hpp"
#include "kernels/model/regex_syntax.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

struct json_schema_limits {
  std::size_t text_bytes_max = 256 * 1024;       // the schema's JSON text
  std::size_t affix_bytes_max = 4096;            // output_prefix and output_suffix, each
  std::uint32_t nodes_max = 8192;                // compiled nodes
  std::size_t literal_bytes_max = 256 * 1024;    // enum/const values and keys, their JSON texts together
  regex_limits pattern;                          // each pattern's (and format's) automaton
  std::size_t pattern_cells_max = 1 << 20;       // all patterns' automata together, in transition-table cells
};

// errors: invalid_argument (not JSON, a malformed keyword value, a schema no value satisfies),
// unsupported (a keyword or $ref form outside the subset), too_large (over `limits`).
result<compiled_schema> compile_json_schema(std::string_view schema_text, std::string prefix = {},
                                            std::string suffix = {}, const json_schema_limits& limits = {});

}  // namespace infergrid::model
