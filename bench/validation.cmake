# Validation cost: the validator's replay against the worker's generation of the same answer.
add_executable(validation_bench ${CMAKE_CURRENT_LIST_DIR}/validation_bench.cpp)
target_link_libraries(validation_bench PRIVATE infergrid_audit infergrid_actor_gpu_worker infergrid_reference_answer
  infergrid_warnings)
# The short false-positive run in CI (the >= 1000-job run: validation_bench --false-positives 1000).
if(INFERGRID_BUILD_TESTS)
  add_test(NAME validation_bench_false_positives_short
    COMMAND validation_bench --false-positives 48 --model ${PROJECT_BINARY_DIR}/bench/model-tiny-f16.gguf
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # The same with an OpenAI client's sampling (no top-k): the worker's draw by ranked_row's buckets,
  # the validator's by the weight ranked before the token, must agree.
  add_test(NAME validation_bench_false_positives_openai_short
    COMMAND validation_bench --false-positives 48 --openai --model ${PROJECT_BINARY_DIR}/bench/model-tiny-f16.gguf
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # An honest worker whose KV cache is F16 audited by a validator whose cache is F32 (another kernel
  # path's rounding: tokens of nearly equal logits rank either way, sampler::loose_interval_of).
  add_test(NAME validation_bench_false_positives_f16_kv_short
    COMMAND validation_bench --false-positives 96 --worker-kv f16 --openai --model ${PROJECT_BINARY_DIR}/bench/model-tiny-f16.gguf
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # Honest answers computed on the CPU reference forward pass (another backend), audited on Vulkan.
  add_test(NAME validation_bench_false_positives_cpu_short
    COMMAND validation_bench --false-positives 48 --worker cpu --openai --model ${PROJECT_BINARY_DIR}/bench/model-tiny-f16.gguf
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  # They write the tiny model when it is missing: never at once.
  set_tests_properties(validation_bench_false_positives_short validation_bench_false_positives_openai_short
    validation_bench_false_positives_f16_kv_short validation_bench_false_positives_cpu_short
    PROPERTIES RESOURCE_LOCK model_tiny_f16)
endif()
