#pragma once
// contract_artifact: a compiled contract as contracts/compile.mjs writes it ({"abi", "bytecode"}),
// read from the build tree: the creation code a deployment sends.
#include <string>

#include "actors/settlement/chain/chain_types.hpp"

namespace infergrid::chain {

struct contract_artifact {
  std::string name;
  bytes creation_code;
};

// Reads `directory`/`name`.json; a missing file says how the artifacts are made.
result<contract_artifact> load_contract_artifact(const std::string& directory, const std::string& name);

}  // namespace infergrid::chain
