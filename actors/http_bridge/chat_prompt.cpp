#include "actors/http_bridge/chat_prompt.hpp"

#include "kernels/model/chat/reasoning_splitter.hpp"
#include "kernels/model/json_number_texts.hpp"
#include "kernels/model/json_schema_compiler.hpp"
#include "messages/inference.hpp"

namespace infergrid::http {
namespace {

using ordered = nlohmann::ordered_json;

// A tool's parameters are a schema document of their own: their "#/..." $refs ("#/$defs/Address",
// as pydantic writes them) point at `base`, where the parameters sit inside the call's schema.
// Values that are data, not schemas (enum, const, default, examples), are left as they are.
ordered rebased_refs(const ordered& schema, const std::string& base) {
  if (schema.is_array()) {
    ordered out = ordered::array();
    for (const auto& item : schema) out.push_back(rebased_refs(item, base));
    return out;
  }
  if (!schema.is_object()) return schema;
  ordered out = ordered::object();
  for (const auto& [key, value] : schema.items()) {
    const bool data = key == "enum" || key == "const" || key == "default" || key == "examples";
    if (key == "$ref" && value.is_string() && value.get<std::string>().starts_with("#")) {
      out[key] = base + value.get<std::string>().substr(1);
    } else {
      out[key] = data ? value : rebased_refs(value, base);
    }
  }
  return out;
}

// `at`: the JSON pointer of this call's schema in the whole ("#", or "#/anyOf/2"). The texts of the
// parameters' numbers are added to `texts` where they land in the whole.
ordered call_schema(const chat::tool_format& format, const tool_request& tools, const std::string& name,
                    const std::string& at, model::number_texts& texts) {
  const std::string arguments_key(format.arguments_key);
  const std::string arguments_at = model::child_pointer(at + "/properties", arguments_key);
  auto parameters = tools.parameters_of(name);
  texts.merge(model::moved_number_texts(parameters.texts, "", arguments_at.substr(1)));
  ordered properties = ordered::object();
  properties["name"] = ordered{{"const", name}};
  properties[arguments_key] = rebased_refs(parameters.value, arguments_at);
  return ordered{{"type", "object"},
                 {"properties", properties},
                 {"required", ordered::array({"name", std::string(format.arguments_key)})},
                 {"additionalProperties", false}};
}

}  // namespace

completion_request::output_rules forced_tool_call(const chat::tool_format& format, const tool_request& tools) {
  ordered schema;
  model::number_texts texts;
  if (tools.choice == tool_choice::named) {
    schema = call_schema(format, tools, tools.named, "#", texts);
  } else if (tools.definitions.size() == 1) {
    schema = call_schema(format, tools, tools.definitions[0]["function"]["name"].get<std::string>(), "#", texts);
  } else {
    ordered any = ordered::array();
    for (const auto& tool : tools.definitions) {
      const std::string at = "#/anyOf/" + std::to_string(any.size());
      any.push_back(call_schema(format, tools, tool["function"]["name"].get<std::string>(), at, texts));
    }
    schema = ordered{{"anyOf", any}};
  }
  return {"json_schema", model::dump_keeping_number_texts(schema, texts), std::string(format.prefix),
          std::string(format.suffix)};
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
    options.tool_number_texts = request.tools.number_texts;
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
  auto prompt = chat::render_chat(family, request.messages, options);
  // As the reply is split for the client (completion_route): a `</tool_call>` the model writes
  // while it thinks ends nothing.
  if (chat::thinks(family) && request.output.format.empty()) {
    request.stop_after_reasoning = chat::prompt_opens_reasoning(prompt) ? inference_request::stop_after_past_prompt_block
                                                                        : inference_request::stop_after_past_reply_block;
  }
  return prompt;
}

std::optional<api_error> check_output_rules(const completion_request& request) {
  if (request.output.format != "json_schema") return std::nullopt;
  auto compiled = model::compile_json_schema(request.output.schema, request.output.prefix, request.output.suffix);
  if (compiled.ok()) return std::nullopt;
  const std::string param = request.tools.forces_call() ? "tools" : "response_format.json_schema.schema";
  return unsupported_field(param, "'" + param + "': " + compiled.err().message);
}

}  // namespace infergrid::http
