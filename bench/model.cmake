# Benchmarks of the model layer (kernels/model).
add_executable(bench_model_load model_load.cpp)
target_link_libraries(bench_model_load PRIVATE infergrid_model infergrid_warnings)

add_executable(bench_tokenizer tokenizer_bench.cpp)
target_link_libraries(bench_tokenizer PRIVATE infergrid_model nlohmann_json::nlohmann_json infergrid_warnings)
target_compile_definitions(bench_tokenizer PRIVATE INFERGRID_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

add_executable(sampler_bench sampler_bench.cpp)
target_link_libraries(sampler_bench PRIVATE infergrid_actor_gpu_worker infergrid_model infergrid_runtime fmt::fmt infergrid_warnings)

add_executable(schema_mask_bench schema_mask_bench.cpp)
target_link_libraries(schema_mask_bench PRIVATE infergrid_model fmt::fmt infergrid_warnings)
