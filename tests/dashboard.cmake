# The dashboard against a live `infergrid up` (tests/dashboard/): JSON endpoints' numbers,
# `infergrid status`, and the page in headless Chromium driven over the DevTools protocol (`ws`,
# pinned in package-lock.json, installed into the build tree by dashboard_npm_install). The
# screenshot lands in <build>/dashboard-artifacts/dashboard.png.
find_program(INFERGRID_CHROMIUM NAMES chromium chromium-browser)
if(INFERGRID_NODE AND INFERGRID_NPM AND INFERGRID_CHROMIUM)
  set(dashboard_test_source ${CMAKE_CURRENT_LIST_DIR}/dashboard)
  set(dashboard_test_dir ${PROJECT_BINARY_DIR}/dashboard_tests)
  add_test(NAME dashboard_npm_install
    COMMAND sh -c "mkdir -p '${dashboard_test_dir}' && cp '${dashboard_test_source}'/package.json '${dashboard_test_source}'/package-lock.json '${dashboard_test_source}'/*.mjs '${CMAKE_CURRENT_LIST_DIR}'/openai_client/grid.mjs '${dashboard_test_dir}/' && cd '${dashboard_test_dir}' && npm ci --no-audit --no-fund --prefer-offline")
  set_tests_properties(dashboard_npm_install PROPERTIES FIXTURES_SETUP dashboard_npm TIMEOUT 300)
  add_test(NAME dashboard_e2e COMMAND ${INFERGRID_NODE} --test --test-concurrency=1 ${dashboard_test_dir}/dashboard.test.mjs
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(dashboard_e2e PROPERTIES FIXTURES_REQUIRED dashboard_npm TIMEOUT 300 RUN_SERIAL TRUE
    ENVIRONMENT "INFERGRID_SOURCE_DIR=${PROJECT_SOURCE_DIR};INFERGRID_BINARY_DIR=${PROJECT_BINARY_DIR};INFERGRID_BIN=$<TARGET_FILE:infergrid>;CHROMIUM_BIN=${INFERGRID_CHROMIUM}")
  # The ledger and miners panels when the settlement actor does not answer (settlement_down.test.mjs).
  add_test(NAME dashboard_settlement_down COMMAND ${INFERGRID_NODE} --test --test-concurrency=1 ${dashboard_test_dir}/settlement_down.test.mjs
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(dashboard_settlement_down PROPERTIES FIXTURES_REQUIRED dashboard_npm TIMEOUT 300 RUN_SERIAL TRUE
    ENVIRONMENT "INFERGRID_SOURCE_DIR=${PROJECT_SOURCE_DIR};INFERGRID_BINARY_DIR=${PROJECT_BINARY_DIR};INFERGRID_BIN=$<TARGET_FILE:infergrid>;CHROMIUM_BIN=${INFERGRID_CHROMIUM}")
else()
  message(STATUS "node, npm or chromium not found: the dashboard tests are skipped (deploy/install-deps.sh installs them)")
endif()

# The dashboard benchmark (bench/dashboard_bench.mjs) runs and prints its table: one short round,
# figures not checked (speed is measured in bench/, deploy/readme/dashboard.md "Benchmark"); it exits
# non-zero when its table line is missing, no completion or dashboard read succeeded, or the grid
# did not stop cleanly.
if(INFERGRID_NODE)
  add_test(NAME dashboard_bench_short COMMAND ${INFERGRID_NODE} ${PROJECT_SOURCE_DIR}/bench/dashboard_bench.mjs
    --rounds 1 --phase-s 4 --warmup-s 2 --settle-s 1 --pollers 8 --completion-clients 4 --max-tokens 16
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(dashboard_bench_short PROPERTIES TIMEOUT 240 RUN_SERIAL TRUE
    ENVIRONMENT "INFERGRID_SOURCE_DIR=${PROJECT_SOURCE_DIR};INFERGRID_BINARY_DIR=${PROJECT_BINARY_DIR};INFERGRID_BIN=$<TARGET_FILE:infergrid>")
endif()
