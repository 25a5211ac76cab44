# Structured outputs on the real Qwen3 vocabulary (the GGUF tokenizer.cmake's fixture writes): the
# json_schema mask's property test, 100 random schemas drawn through the mask on 151,936 tokens.
add_executable(schema_mask_qwen_test ${tokenizer_source}/schema_mask_qwen.test.cpp)
target_link_libraries(schema_mask_qwen_test PRIVATE infergrid_model nlohmann_json::nlohmann_json GTest::gtest
  GTest::gtest_main infergrid_warnings)
target_compile_definitions(schema_mask_qwen_test PRIVATE INFERGRID_TOKENIZER_WORK_DIR="${tokenizer_work}")
gtest_discover_tests(schema_mask_qwen_test WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  PROPERTIES FIXTURES_REQUIRED tokenizer_fixtures DISCOVERY_TIMEOUT 60 TIMEOUT 300)

