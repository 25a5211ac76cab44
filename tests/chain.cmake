# On-chain settlement (deploy/readme/chain.md): the pinned npm packages (solc, @foundry-rs/anvil in
# actors/settlement/chain/contracts/package-lock.json) are installed into the build tree once per
# run (chain_npm_install, scripts off: the platform's anvil binary comes as an optional dependency),
# the contracts are compiled there (chain_contracts_compile), and the vault's tests drive a local
# anvil node through the C++ chain client. Without node/npm the setup fails with a message.
set(chain_contracts_source ${PROJECT_SOURCE_DIR}/actors/settlement/chain/contracts)
set(chain_work ${PROJECT_BINARY_DIR}/chain_contracts)
find_program(INFERGRID_NODE node)
find_program(INFERGRID_NPM npm)
if(INFERGRID_NODE AND INFERGRID_NPM)
  add_test(NAME chain_npm_install
    COMMAND sh -c "mkdir -p '${chain_work}' && cp '${chain_contracts_source}'/package.json '${chain_contracts_source}'/package-lock.json '${chain_work}/' && cd '${chain_work}' && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline && ln -sf \"$(ls -d \"$PWD\"/node_modules/@foundry-rs/anvil-*/bin/anvil | head -n 1)\" anvil && ./anvil --version")
  add_test(NAME chain_contracts_compile
    COMMAND ${INFERGRID_NODE} ${chain_contracts_source}/compile.mjs ${chain_work}/artifacts WORKING_DIRECTORY ${chain_work})
else()
  add_test(NAME chain_npm_install
    COMMAND sh -c "echo 'node and npm are required for the chain tests (deploy/install-deps.sh installs them)' >&2; exit 1")
  add_test(NAME chain_contracts_compile COMMAND sh -c "exit 1")
endif()
set_tests_properties(chain_npm_install PROPERTIES FIXTURES_SETUP chain_npm TIMEOUT 600)
set_tests_properties(chain_contracts_compile PROPERTIES FIXTURES_SETUP chain_contracts FIXTURES_REQUIRED chain_npm
  TIMEOUT 300)

add_library(infergrid_chain_test_support STATIC ${CMAKE_CURRENT_LIST_DIR}/support/anvil_node.cpp
  ${CMAKE_CURRENT_LIST_DIR}/support/vault_devnet.cpp ${CMAKE_CURRENT_LIST_DIR}/child_process.cpp)
target_link_libraries(infergrid_chain_test_support PUBLIC infergrid_chain PRIVATE GTest::gtest infergrid_warnings)

# A chain test: an executable against anvil and the compiled contracts (the chain_contracts fixture).
function(infergrid_chain_test name source timeout_s)
  add_executable(${name} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/${source})
  target_link_libraries(${name} PRIVATE infergrid_chain_test_support GTest::gmock GTest::gtest GTest::gtest_main
    infergrid_warnings ${ARGN})
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES FIXTURES_REQUIRED chain_contracts TIMEOUT ${timeout_s}
    ENVIRONMENT "INFERGRID_SOURCE_DIR=${PROJECT_SOURCE_DIR};INFERGRID_BINARY_DIR=${PROJECT_BINARY_DIR}"
    DISCOVERY_TIMEOUT 60)
endfunction()

infergrid_chain_test(vault_contract_test vault_contract.test.cpp 120)
# The settlement actor's chain bridge against anvil (deploy/readme/chain.md, "Chain bridge").
infergrid_chain_test(chain_bridge_test chain_bridge.test.cpp 120 infergrid_actor_settlement infergrid_ledger)
# Anchoring closed epochs and withdrawing with a Merkle proof (the settlement actor and anvil).
infergrid_chain_test(chain_anchor_test chain_anchor.test.cpp 120 infergrid_actor_settlement infergrid_ledger)
# `infergrid chain` (the real binary) against anvil: deposit, stake, unbond, status, clear errors.
infergrid_chain_test(chain_cli_test chain_cli.test.cpp 120)
add_dependencies(chain_cli_test infergrid)
# The whole path with the real binaries: deposit -> serve over HTTP -> anchor -> withdraw, restarts.
infergrid_chain_test(chain_e2e_test chain_e2e.test.cpp 300 infergrid_compute_grid_support infergrid_ledger
  infergrid_http_bridge_core)
add_dependencies(chain_e2e_test infergrid)
# `infergrid up --chain` (the real binary): its own anvil, the vault deployed, a deposit credited,
# a request paid over HTTP, epochs anchored, anvil stopped with the grid.
infergrid_chain_test(chain_up_test chain_up.test.cpp 300 infergrid_compute_grid_support infergrid_ledger
  infergrid_http_bridge_core)
add_dependencies(chain_up_test infergrid)
# A validator quorum's conviction slashed on-chain and off-chain by the same amount (the real binary:
# settlement, three validators with chain keys, a cheating worker), across a chain outage and restarts.
infergrid_chain_test(chain_slash_test chain_slash.test.cpp 300 infergrid_compute_grid_support infergrid_ledger
  infergrid_http_bridge_core)
add_dependencies(chain_slash_test infergrid)
