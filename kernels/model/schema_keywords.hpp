#pragma once
// schema_keywords: which JSON Schema keywords the compiler honours, which it ignores as
// annotations (everything else is refused), and the type names.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace infergrid::model {

// description, title, default, examples, $schema, $id, $comment, strict, ..., $defs, x-*
bool is_annotation(std::string_view keyword);
// type, enum, const, anyOf, $ref and the per-type keywords (json_schema_compiler.hpp)
bool is_supported_keyword(std::string_view keyword);
// "string" or ["string","null"] -> names; nullopt: not a string or array of known type names.
std::optional<std::vector<std::string>> type_names(const nlohmann::ordered_json& type);
// The types a schema without `type` constrains by its keywords (properties -> object, ...); empty: any.
std::vector<std::string> implied_types(const nlohmann::ordered_json& schema);
bool value_has_type(const nlohmann::ordered_json& value, std::string_view type);
// The types both lists allow ("integer" is a "number").
std::vector<std::string> common_types(const std::vector<std::string>& a, const std::vector<std::string>& b);
// `schema` allowing only values of `types` (its own `type` narrowed, or `types` added: a `type`
// beside anyOf/$ref narrows each alternative); nullopt when it allows none of them (a `type`, the
// keywords' implied types or every enum/const value of another type). A malformed schema comes
// back unchanged, for the compiler to name what is wrong with it.
std::optional<nlohmann::ordered_json> narrowed_to(const nlohmann::ordered_json& schema, const std::vector<std::string>& types);

}  // namespace infergrid::model
