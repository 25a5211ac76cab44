# Benchmarks of the model layer (kernels/model).
add_executable(bench_model_load model_load.cpp)
target_link_libraries(bench_model_load PRIVATE infergrid_model infergrid_warnings)
# README's model-load row runs this program: a run on the bundled model keeps it running (it exits
# non-zero, saying why, when the model does not open, resolve its weights or build its tokenizer).
if(INFERGRID_BUILD_TESTS)
  add_test(NAME bench_model_load_short COMMAND bench_model_load ${PROJECT_SOURCE_DIR}/deploy/models/stories260k.gguf)
endif()

add_executable(bench_tokenizer tokenizer_bench.cpp)
target_link_libraries(bench_tokenizer PRIVATE infergrid_model nlohmann_json::nlohmann_json infergrid_warnings)
target_compile_definitions(bench_tokenizer PRIVATE INFERGRID_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

add_executable(sampler_bench sampler_bench.cpp)
target_link_libraries(sampler_bench PRIVATE infergrid_actor_gpu_worker infergrid_model infergrid_runtime fmt::fmt infergrid_warnings)

add_executable(schema_mask_bench schema_mask_bench.cpp)
target_link_libraries(schema_mask_bench PRIVATE infergrid_model fmt::fmt infergrid_warnings)
