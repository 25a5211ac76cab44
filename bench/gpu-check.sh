#!/usr/bin/env bash
# One prepared check for a machine with a real GPU: if `vulkaninfo --summary` shows a Vulkan device
# that is not a CPU implementation, build, run the Vulkan kernel/engine tests on that GPU, then the
# kernel and decode benchmarks. Without one it says so and exits 0 (lavapipe runs in the normal suite).
#   bench/gpu-check.sh            (from anywhere; uses the dev preset's ./build)
set -euo pipefail
case "${1:-}" in  # --help: the comment above; a flag it does not know is refused
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  ?*) echo "gpu-check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."

if ! command -v vulkaninfo >/dev/null 2>&1; then
  echo "gpu-check: vulkaninfo not found (apt-get install vulkan-tools); cannot look for a GPU. Nothing run."
  exit 0
fi
summary="$(vulkaninfo --summary 2>/dev/null || true)"
# The first device whose type is not CPU: its name (deviceName follows deviceType in the summary).
gpu_name="$(printf '%s\n' "$summary" | awk '
  /deviceType/ { cpu = ($0 ~ /CPU/) }
  /deviceName/ && !cpu { sub(/^[^=]*= */, ""); print; exit }')"
if [ -z "$gpu_name" ]; then
  echo "gpu-check: no Vulkan GPU driver found — only CPU devices (lavapipe):"
  printf '%s\n' "$summary" | grep -E "deviceName|deviceType" | sed 's/^/  /' || true
  echo "gpu-check: nothing to check on a GPU (the normal test suite covers lavapipe)."
  exit 0
fi
echo "gpu-check: using Vulkan GPU '$gpu_name'"
export INFERGRID_VK_DEVICE="$gpu_name"

jobs="$(nproc)"
cmake --preset dev >/dev/null
cmake --build build -j"$jobs" --target engine_kernels_test llama_engine_test vk_device_test kernels_bench decode_bench \
  validation_bench
echo "== audit cost (validation_bench) with the tiled GEMM (default) and without (--tiled 0) on $gpu_name"
mkdir -p build/bench
./build/bench/validation_bench --runs 3
./build/bench/validation_bench --runs 3 --tiled 0

echo "== Vulkan kernel and engine tests on $gpu_name"
(cd build && ctest --output-on-failure -j"$jobs" --timeout 600 \
  -R "matmul_kernel|matmul_modes|embedding_kernel|reducing_kernel|elementwise_kernels|weight_layout|llama_engine|random_llama_engine|device|buffer|pipeline|shaders|vk_error|vulkan_validation")

echo "== kernels_bench on $gpu_name"
./build/bench/kernels_bench 4096 4096
echo "== decode_bench on $gpu_name"
INFERGRID_SOURCE_DIR="$PWD" ./build/bench/decode_bench
# Prefill through the tiled GEMM (the GPU default from tiled_matmul_table's min_tokens) against
# matmul.comp alone (--tiled 0), and two other tiles, on the Q4_K_M mix and F16.
for choice in "--tiled 0" "--tiled 32" "--tiled 32 --tile 64x64x4x4" "--tiled 32 --tile 128x32x8x4"; do
  echo "== decode_bench $choice f16 q4_k_m on $gpu_name"
  INFERGRID_SOURCE_DIR="$PWD" ./build/bench/decode_bench $choice f16 q4_k_m
done
