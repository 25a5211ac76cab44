#include "actors/http_bridge/tool_request.hpp"

#include <set>
#include <string>

#include "kernels/model/json_nesting.hpp"

namespace infergrid::http {
namespace {

using ordered = nlohmann::ordered_json;

// OpenAI's limits: 128 tools, names of a-z, A-Z, 0-9, '_' and '-' up to 64 characters.
constexpr std::size_t max_tools = 128;
constexpr std::size_t max_name_bytes = 64;
constexpr std::size_t max_calls_per_message = 128;

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > max_name_bytes) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<api_error> read_definition(const ordered& tool, const std::string& param, std::set<std::string>& names) {
  if (!tool.is_object() || tool.value("type", "") != "function") {
    return invalid_field(param, "'" + param + "' must be {\"type\": \"function\", \"function\": {...}}.");
  }
  auto function = tool.find("function");
  if (function == tool.end() || !function->is_object()) {
    return invalid_field(param + ".function", "'" + param + ".function' must be an object.");
  }
  auto name = function->find("name");
  if (name == function->end() || !name->is_string() || !valid_name(name->get<std::string>())) {
    return invalid_field(param + ".function.name", "'" + param + ".function.name' must be 1-64 characters of a-z, "
                                                                  "A-Z, 0-9, '_' and '-'.");
  }
  if (!names.insert(name->get<std::string>()).second) {
    return invalid_field(param + ".function.name", "'" + param + ".function.name': two tools are named '" +
                                                       name->get<std::string>() + "'.");
  }
  auto description = function->find("description");
  if (description != function->end() && !description->is_null() && !description->is_string()) {
    return invalid_field(param + ".function.description", "'" + param + ".function.description' must be a string.");
  }
  auto parameters = function->find("parameters");
  if (parameters != function->end() && !parameters->is_null() && !parameters->is_object()) {
    return invalid_field(param + ".function.parameters",
                         "'" + param + ".function.parameters' must be a JSON Schema object.");
  }
  if (parameters != function->end() && parameters->is_object() && parameters->contains("type") &&
      (*parameters)["type"] != "object") {
    return invalid_field(param + ".function.parameters.type", "'" + param + ".function.parameters' must describe an "
                                                                  "object (\"type\": \"object\"): arguments are one JSON object.");
  }
  auto strict = function->find("strict");
  if (strict != function->end() && !strict->is_null() && !strict->is_boolean()) {
    return invalid_field(param + ".function.strict", "'" + param + ".function.strict' must be a boolean.");
  }
  return std::nullopt;
}

std::optional<api_error> read_choice(const ordered& body, const std::set<std::string>& names, tool_request& out) {
  auto it = body.find("tool_choice");
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) {
    const std::string choice = it->get<std::string>();
    if (choice == "none") out.choice = tool_choice::none;
    else if (choice == "auto") out.choice = tool_choice::automatic;
    else if (choice == "required") out.choice = tool_choice::required;
    else return invalid_field("tool_choice", "'tool_choice' must be none, auto, required or {\"type\": \"function\", "
                                             "\"function\": {\"name\": ...}} (got '" + choice + "').");
  } else if (it->is_object() && it->value("type", "") == "function" && it->contains("function") &&
             (*it)["function"].is_object() && (*it)["function"].contains("name") &&
             (*it)["function"]["name"].is_string()) {
    out.choice = tool_choice::named;
    out.named = (*it)["function"]["name"].get<std::string>();
    if (!names.contains(out.named)) {
      return invalid_field("tool_choice.function.name", "'tool_choice' names '" + out.named + "', which is not in 'tools'.");
    }
  } else {
    return invalid_field("tool_choice", "'tool_choice' must be none, auto, required or {\"type\": \"function\", "
                                        "\"function\": {\"name\": ...}}.");
  }
  if ((out.choice == tool_choice::required || out.choice == tool_choice::named) && names.empty()) {
    return invalid_field("tool_choice", "'tool_choice' asks for a tool call but 'tools' is empty.");
  }
  return std::nullopt;
}

// OpenAI: a call's arguments are always one JSON object, and `parameters` describes its members, so
// a schema that names no type is an object's ({} and a missing one: no parameters, arguments {}).
// A top-level anyOf, $ref, enum or const gets "type": "object" beside it: only its alternatives'
// objects are allowed (json_schema_compiler.hpp), and one that allows none is refused.
ordered object_schema(const ordered& parameters) {
  if (parameters.contains("type")) return parameters;
  const bool combines = parameters.contains("anyOf") || parameters.contains("$ref") || parameters.contains("enum") ||
                        parameters.contains("const");
  ordered schema{{"type", "object"}};
  for (const auto& [key, value] : parameters.items()) schema[key] = value;
  if (!combines && !schema.contains("properties") && !schema.contains("additionalProperties")) {
    schema["properties"] = ordered::object();
  }
  return schema;
}

}  // namespace

model::json_with_number_texts tool_request::parameters_of(const std::string& name) const {
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    const auto& function = definitions[i]["function"];
    if (function["name"] != name) continue;
    auto parameters = function.find("parameters");
    if (parameters == function.end() || !parameters->is_object()) break;
    // object_schema keeps every member where it was, so the texts keep their pointers.
    return {object_schema(*parameters), model::moved_number_texts(number_texts, "/" + std::to_string(i) + "/function/parameters", "")};
  }
  return {object_schema(ordered::object()), {}};
}

std::optional<api_error> read_tools(const model::json_with_number_texts& document, tool_request& out) {
  const ordered& body = document.value;
  std::set<std::string> names;
  auto tools = body.find("tools");
  if (tools != body.end() && !tools->is_null()) {
    if (!tools->is_array()) return invalid_field("tools", "'tools' must be an array.");
    // OpenAI refuses [] too ("empty_array"); a request without tools leaves the field out.
    if (tools->empty()) {
      return api_error{400, "Invalid 'tools': empty array. Expected an array with at least one function, or leave "
                            "'tools' out.", "invalid_request_error", "tools", "empty_array"};
    }
    if (tools->size() > max_tools) {
      return invalid_field("tools", "'tools' may hold at most " + std::to_string(max_tools) + " functions.");
    }
    for (std::size_t i = 0; i < tools->size(); ++i) {
      if (auto failed = read_definition((*tools)[i], "tools[" + std::to_string(i) + "]", names)) return failed;
    }
    out.definitions = *tools;
    out.number_texts = model::moved_number_texts(document.texts, "/tools", "");
  }
  if (auto failed = read_choice(body, names, out)) return failed;
  auto parallel = body.find("parallel_tool_calls");
  if (parallel != body.end() && !parallel->is_null()) {
    if (!parallel->is_boolean()) return invalid_field("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
    out.parallel = parallel->get<bool>();
  }
  return std::nullopt;
}

std::optional<api_error> read_message_tool_fields(const ordered& message, const model::number_texts& texts,
                                                  const std::string& pointer, const std::string& param,
                                                  chat::chat_message& out) {
  if (out.role == "tool") {
    auto id = message.find("tool_call_id");
    if (id == message.end() || !id->is_string() || id->get<std::string>().empty()) {
      return invalid_field(param + ".tool_call_id", "'" + param + ".tool_call_id' is required for a tool message.");
    }
    out.tool_call_id = id->get<std::string>();
    return std::nullopt;
  }
  auto calls = message.find("tool_calls");
  if (calls == message.end() || calls->is_null()) return std::nullopt;
  if (out.role != "assistant" || !calls->is_array() || calls->size() > max_calls_per_message) {
    return invalid_field(param + ".tool_calls", "'" + param + ".tool_calls' must be an array of at most " +
                                                    std::to_string(max_calls_per_message) + " calls, on an assistant message.");
  }
  for (std::size_t i = 0; i < calls->size(); ++i) {
    const ordered& call = (*calls)[i];
    const std::string at = param + ".tool_calls[" + std::to_string(i) + "]";
    const bool shaped = call.is_object() && call.value("type", "function") == "function" && call.contains("function") &&
                        call["function"].is_object() && call["function"].contains("name") &&
                        call["function"]["name"].is_string();
    if (!shaped) {
      return invalid_field(at, "'" + at + "' must be {\"id\", \"type\": \"function\", \"function\": {\"name\", \"arguments\"}}.");
    }
    chat::tool_call parsed{call.value("id", ""), call["function"]["name"].get<std::string>(), "{}"};
    auto arguments = call["function"].find("arguments");
    if (arguments != call["function"].end() && !arguments->is_null()) {
      if (arguments->is_string() && !model::json_nesting_within(arguments->get<std::string>())) {
        return invalid_field(at + ".function.arguments", "'" + at + ".function.arguments' nests deeper than " +
                                                             std::to_string(model::json_depth_max) + " levels.");
      }
      const bool object = arguments->is_string()
                              ? ordered::parse(arguments->get<std::string>(), nullptr, false).is_object()
                              : arguments->is_object();
      if (!object) {
        return invalid_field(at + ".function.arguments",
                             "'" + at + ".function.arguments' must be a JSON object (as text).");
      }
      const std::string arguments_at = pointer + "/tool_calls/" + std::to_string(i) + "/function/arguments";
      parsed.arguments = arguments->is_string() ? arguments->get<std::string>()
                                                : model::dump_keeping_number_texts(*arguments, texts, arguments_at);
    }
    out.tool_calls.push_back(std::move(parsed));
  }
  return std::nullopt;
}

}  // namespace infergrid::http
