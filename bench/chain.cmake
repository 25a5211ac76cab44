# chain_bridge_bench: settled requests/s with the settlement actor's chain bridge on vs off
# (deploy/readme/chain.md). It starts anvil through the tests' support code, so it needs the tests.
if(TARGET infergrid_chain_test_support)
  add_executable(chain_bridge_bench ${CMAKE_CURRENT_LIST_DIR}/chain_bridge_bench.cpp)
  target_link_libraries(chain_bridge_bench PRIVATE infergrid_chain_test_support infergrid_actor_settlement infergrid_ledger
    infergrid_warnings)
endif()
