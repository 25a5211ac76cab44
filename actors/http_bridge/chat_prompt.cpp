#include "actors/http_bridge/chat_prompt.hpp"

#include "kernels/model/json_schema_compiler.hpp"

namespace infergrid::http {
namespace {

using ordered = nlohmann::ordered_json;

ordered call_schema(const chat::tool_format& format, const tool_request& tools, const std::string& name) {
  ordered properties = ordered::object();
  properties["name"] = ordered{{"const", name}};
  properties[std::string(format.arguments_key)] = tools.parameters_of(name);
  return ordered{{"type", "object"},
                 {"properties", properties},
                 {"required", ordered::array({"name", std::string(format.arguments_key)})},
                 {"additionalProperties", false}};
}

}  // namespace

completion_request::output_rules forced_tool_call(const chat::tool_format& format, const tool_request& tools) {
  ordered schema;
  if (tools.choice == tool_choice::named) {
    schema = call_schema(format, tools, tools.named);
  } else {
    ordered any = ordered::array();
    for (const auto& tool : tools.definitions) {
      any.push_back(call_schema(format, tools, tool["function"]["name"].get<std::string>()));
    }
    schema = any.size() == 1 ? any[0] : ordered{{"anyOf", any}};
  }
  return {"json_schema", schema.dump(), std::string(format.prefix), std::string(format.suffix)};
}

std::variant<std::string, api_error> render_chat_prompt(chat::template_family family, completion_request& request) {
  chat::render_options options{.enable_thinking = request.enable_thinking};
  if (request.tools.active()) {
    const chat::tool_format format = chat::tool_format_of(family);
    if (!format.supported) {
      return unsupported_field("tools", "Model '" + request.model + "' has no tool calling in its chat template (" +
                                            std::string(chat::to_string(family)) + ").");
    }
    options.tools = request.tools.definitions;
    const bool forced = request.tools.choice == tool_choice::required || request.tools.choice == tool_choice::named;
    if (forced) {
      if (!request.output.format.empty()) {
        return invalid_field("response_format", "'response_format' cannot be combined with a tool_choice that forces "
                                                "a tool call.");
      }
      request.output = forced_tool_call(format, request.tools);
    } else if (!request.tools.parallel && format.parallel && !format.suffix.empty()) {
      // One call at most: the reply ends with the first call's closing tag, so no further call is
      // generated (and billed) only to be dropped.
      const std::string_view closing = format.suffix.substr(format.suffix.find_first_not_of(" \n"));
      request.stop_after.emplace_back(closing);
    }
  }
  if (auto problem = chat::tools_problem(family, request.messages, options)) {
    return invalid_field("messages", "Model '" + request.model + "': " + *problem + ".");
  }
  return chat::render_chat(family, request.messages, options);
}

std::optional<api_error> check_output_rules(const completion_request& request) {
  if (request.output.format != "json_schema") return std::nullopt;
  auto compiled = model::compile_json_schema(request.output.schema, request.output.prefix, request.output.suffix);
  if (compiled.ok()) return std::nullopt;
  const std::string param = request.tools.forces_call() ? "tools" : "response_format.json_schema.schema";
  return unsupported_field(param, "'" + param + "': " + compiled.err().message);
}

}  // namespace infergrid::http
