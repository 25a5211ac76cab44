#include "actors/settlement/chain/contract_artifact.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace infergrid::chain {

result<contract_artifact> load_contract_artifact(const std::string& directory, const std::string& name) {
  const std::string path = directory + "/" + name + ".json";
  std::ifstream file(path);
  if (!file) {
    return make_error(error_code::not_found, "contract artifact " + path +
                                                 " is missing (made by actors/settlement/chain/contracts/compile.mjs; "
                                                 "ctest runs it as chain_contracts_compile)");
  }
  std::stringstream text;
  text << file.rdbuf();
  const nlohmann::json artifact = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (artifact.is_discarded() || !artifact.is_object() || !artifact.contains("bytecode") || !artifact["bytecode"].is_string()) {
    return make_error(error_code::malformed_input, "contract artifact " + path + " has no bytecode string");
  }
  auto code = bytes_from_hex(artifact["bytecode"].get<std::string>());
  if (!code) return make_error(error_code::malformed_input, "contract artifact " + path + ": " + code.err().message);
  if (code->empty()) return make_error(error_code::malformed_input, "contract artifact " + path + " has empty bytecode");
  return contract_artifact{name, std::move(*code)};
}

}  // namespace infergrid::chain
