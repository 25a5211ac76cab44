# HTTP bridge end-to-end tests against a live `infergrid up` (tests/openai_client/grid.mjs):
#   http_openai_client  the real `openai` npm package: chat/completions whole and streamed, models,
#                       cancellation, and every error status (401 400 404 413 402 429)
#   http_readme_curl    every curl example in README.md and deploy/readme/http.md
#   http_market         price discovery: /v1/models pricing follows asks files, cheaper workers serve more
#   http_api_keys       `infergrid keys create|list|revoke` with the openai client: usage counted, revocation live
#   http_embeddings     POST /v1/embeddings with openai, LangChain and the AI SDK; audited and billed per input
#   http_responses      POST /v1/responses (Responses API) with openai (create, stream) and the AI SDK's OpenAI provider
#   http_epochs         the epoch driver (epoch_interval_s: 2): closes count the served tokens, none skipped or doubled across a restart
# http_npm_install installs the pinned package (package-lock.json) into the build tree with `npm ci`.
find_program(INFERGRID_NODE node)
find_program(INFERGRID_NPM npm)
if(INFERGRID_NODE AND INFERGRID_NPM)
  set(openai_client_source ${CMAKE_CURRENT_LIST_DIR}/openai_client)
  set(openai_client_dir ${PROJECT_BINARY_DIR}/openai_client)
  add_test(NAME http_npm_install
    COMMAND sh -c "mkdir -p '${openai_client_dir}' && cp '${openai_client_source}'/package.json '${openai_client_source}'/package-lock.json '${openai_client_source}'/*.mjs '${openai_client_dir}/' && cd '${openai_client_dir}' && npm ci --no-audit --no-fund --prefer-offline")
  set_tests_properties(http_npm_install PROPERTIES FIXTURES_SETUP http_npm TIMEOUT 300)
  foreach(name openai_client readme_curl market api_keys epochs embeddings responses)
    add_test(NAME http_${name} COMMAND ${INFERGRID_NODE} --test --test-concurrency=1 ${openai_client_dir}/${name}.test.mjs
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(http_${name} PROPERTIES FIXTURES_REQUIRED http_npm TIMEOUT 300 RUN_SERIAL TRUE
      ENVIRONMENT "INFERGRID_SOURCE_DIR=${PROJECT_SOURCE_DIR};INFERGRID_BINARY_DIR=${PROJECT_BINARY_DIR};INFERGRID_BIN=$<TARGET_FILE:infergrid>")
  endforeach()
else()
  message(STATUS "node/npm not found: the HTTP bridge's openai npm tests are skipped (deploy/install-deps.sh installs them)")
endif()
