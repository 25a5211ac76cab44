#include "actors/http_bridge/embedding_request.hpp"

#include <nlohmann/json.hpp>

#include "actors/http_bridge/json_fields.hpp"

namespace infergrid::http {
namespace {

using json = nlohmann::json;

bool is_token_ids(const json& value) {
  return value.is_array() && !value.empty() && (value.front().is_number_integer() || value.front().is_array());
}

std::variant<std::vector<std::string>, api_error> read_inputs(const json& body, std::size_t max_inputs) {
  auto it = body.find("input");
  if (it == body.end() || it->is_null()) {
    return invalid_field("input", "'input' is required: a string or an array of strings.");
  }
  if (is_token_ids(*it)) {
    return unsupported_field("input", "'input' as token ids is not supported: send text, which the model's own "
                                      "tokenizer reads.");
  }
  std::vector<std::string> inputs;
  if (it->is_string()) {
    inputs.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    if (it->empty()) return invalid_field("input", "'input' must not be an empty array.");
    if (it->size() > max_inputs) {
      return invalid_field("input", "'input' has " + std::to_string(it->size()) + " items; at most " +
                                        std::to_string(max_inputs) + " per request.");
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& item = (*it)[i];
      const std::string param = "input[" + std::to_string(i) + "]";
      if (!item.is_string()) return invalid_field(param, "'" + param + "' must be a string.");
      inputs.push_back(item.get<std::string>());
    }
  } else {
    return invalid_field("input", "'input' must be a string or an array of strings.");
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string param = it->is_string() ? "input" : "input[" + std::to_string(i) + "]";
    if (inputs[i].empty()) return invalid_field(param, "'" + param + "' must not be empty.");
  }
  return inputs;
}

}  // namespace

parsed_embedding_request parse_embedding_request(std::string_view body, std::size_t max_inputs) {
  auto parsed = parse_json_object(body);
  if (auto* failure = std::get_if<api_error>(&parsed)) return *failure;
  const json& document = std::get<json>(parsed);
  embedding_request out;
  if (auto failed = assign(read_string(document, "model", "model"), out.model)) return *failed;
  if (out.model.empty()) return invalid_field("model", "'model' is required: name one of GET /v1/models.");
  auto inputs = read_inputs(document, max_inputs);
  if (auto* failure = std::get_if<api_error>(&inputs)) return *failure;
  out.inputs = std::move(std::get<std::vector<std::string>>(inputs));
  std::string format = "float";
  if (auto failed = assign(read_string(document, "encoding_format", "encoding_format"), format)) return *failed;
  if (format != "float" && format != "base64") {
    return invalid_field("encoding_format", "'encoding_format' must be \"float\" or \"base64\".");
  }
  out.base64 = format == "base64";
  if (auto it = document.find("dimensions"); it != document.end() && !it->is_null()) {
    return unsupported_field("dimensions", "'dimensions' is not supported: the embedding has the model's own width.");
  }
  if (auto failed = assign(read_string(document, "user", "user"), out.user)) return *failed;
  return out;
}

}  // namespace infergrid::http
