# Miners' own commands against a live hub (tests/openai_client/miner_join.test.mjs, with the openai
# client that http.cmake installs into the build tree):
#   miner_join_e2e   `infergrid miner join`/`miner status`/`miner leave` (issue 17): a new miner's keys, benchmark,
#                    stake, served requests and earnings; refusals for no grid, unknown model, too poor; leaving: unbonding, withdrawal once matured
if(INFERGRID_NODE AND INFERGRID_NPM)
  add_test(NAME miner_join_e2e COMMAND ${INFERGRID_NODE} --test --test-concurrency=1 ${openai_client_dir}/miner_join.test.mjs
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(miner_join_e2e PROPERTIES FIXTURES_REQUIRED http_npm TIMEOUT 300 RUN_SERIAL TRUE
    ENVIRONMENT "INFERGRID_SOURCE_DIR=${PROJECT_SOURCE_DIR};INFERGRID_BINARY_DIR=${PROJECT_BINARY_DIR};INFERGRID_BIN=$<TARGET_FILE:infergrid>")
endif()
