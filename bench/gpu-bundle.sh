#!/usr/bin/env bash
# Packs the Vulkan kernel/engine tests and benchmarks, built here, with every shared library they
# load (but glibc) into one folder that runs on a GPU host with no build tools or
# -dev packages — only a Vulkan driver. Usage:
#   [BUILD_DIR=build] [GPU_BUNDLE_PEER=1] bench/gpu-bundle.sh [OUT_DIR=.gpu-bundle]   (after deploy/build.sh)
#   OUT_DIR/run.sh [validation|peer|vulkan-validation]   (on the GPU host, from the repository root;
#                                                   `validation`: only the audit-cost benchmark (and
#                                                   the sampler's host cost on this CPU);
#                                                   `peer`: ours against llama.cpp, bench/gpu-peer.sh;
#                                                   `vulkan-validation`: only the engine tests under the
#                                                   Khronos validation layer)
# GPU_BUNDLE_PEER=1 packs what `run.sh peer` needs instead of the tests (so the folder stays within
# a device call's 64 MiB): decode_bench, the source of llama.cpp's release that node-llama-cpp@3.21.1
# ships and its prebuilt Vulkan backend (npm-installed under BUILD_DIR/peer as bench/peer-bench.sh does).
set -euo pipefail
case "${1:-}" in  # --help: the comment above; a flag it does not know is refused
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  -*) echo "gpu-bundle.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
out="${1:-.gpu-bundle}"
build="${BUILD_DIR:-build}"
binaries=("$build/kernels/engine/engine_kernels_test" "$build/kernels/engine/llama_engine_test"
          "$build/kernels/vk/vk_device_test" "$build/bench/kernels_bench" "$build/bench/decode_bench"
          "$build/bench/validation_bench" "$build/bench/sampler_bench")
[ "${GPU_BUNDLE_PEER:-0}" = 1 ] && binaries=("$build/bench/decode_bench")
command -v vulkaninfo >/dev/null && binaries+=("$(command -v vulkaninfo)")
rm -rf "$out" && mkdir -p "$out/bin" "$out/lib"
for binary in "${binaries[@]}"; do
  [ -x "$binary" ] || { echo "gpu-bundle: $binary is missing; run deploy/build.sh first" >&2; exit 1; }
  cp "$binary" "$out/bin/"
  ldd "$binary" | awk '/=>/ { print $3 }' | while read -r library; do
    [ -f "$library" ] && cp -L "$library" "$out/lib/"
  done
done
# glibc stays the host's (it is backward compatible, and the GPU driver must share it with us).
rm -f "$out"/lib/ld-linux-x86-64.so.2 "$out"/lib/libc.so.6 "$out"/lib/libm.so.6 "$out"/lib/libpthread.so.0 \
  "$out"/lib/libdl.so.2 "$out"/lib/librt.so.1 "$out"/lib/libresolv.so.2
# NVIDIA's Vulkan driver (libGLX_nvidia) needs GLVND's dispatch libraries, which bare GPU images lack.
for library in libGLdispatch.so.0 libGLX.so.0 libEGL.so.1 libOpenGL.so.0; do
  [ -f "/usr/lib/x86_64-linux-gnu/$library" ] && cp -L "/usr/lib/x86_64-linux-gnu/$library" "$out/lib/"
done
if [ "${GPU_BUNDLE_PEER:-0}" = 1 ]; then
  peer="$build/peer"
  bench/install-node-llama-cpp.sh "$peer"
  # The llama.cpp release node-llama-cpp was built from (a git bundle in the package), only the parts
  # llama-batched-bench and its backends build from.
  mkdir -p "$out/llamacpp" "$peer/llama.cpp-source"
  source_dir="$peer/llama.cpp-source/src"
  [ -d "$source_dir" ] || git clone -q "$peer/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$source_dir"
  (cd "$source_dir" && tar czf - --exclude=tools/ui --exclude=tools/server CMakeLists.txt cmake ggml src include \
     app common tools vendor licenses LICENSE) > "$out/llamacpp/source.tar.gz"
  gzip -9c "$peer/node_modules/@node-llama-cpp/linux-x64-vulkan/bins/linux-x64-vulkan/libggml-vulkan.so" \
    > "$out/llamacpp/libggml-vulkan.so.gz"
  cp bench/gpu-peer.sh "$out/peer.sh"
fi
# Debug info is not needed there and would not fit the transfer.
strip --strip-debug "$out"/bin/* "$out"/lib/* 2>/dev/null || true
# The Khronos validation layer (with its manifest pointing beside it), compressed to fit the
# transfer: `run.sh` runs the engine tests under it with synchronization validation, on the real
# driver's queues, caches and limits (kernels/vk/validation_messages.hpp).
validation_layer=/usr/lib/x86_64-linux-gnu/libVkLayer_khronos_validation.so
validation_manifest=/usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json
if [ "${GPU_BUNDLE_PEER:-0}" != 1 ] && [ -f "$validation_layer" ] && [ -f "$validation_manifest" ]; then
  mkdir -p "$out/layer"
  strip --strip-debug -o "$out/layer/layer.so" "$validation_layer"
  gzip -9c "$out/layer/layer.so" > "$out/layer/libVkLayer_khronos_validation.so.gz" && rm "$out/layer/layer.so"
  sed 's#"library_path": *"[^"]*"#"library_path": "./libVkLayer_khronos_validation.so"#' "$validation_manifest" \
    > "$out/layer/VkLayer_khronos_validation.json"
fi
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the bundled Vulkan tests and benchmarks on this host's GPU through the bundled loader.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
driver_dirs="$(find / -xdev \( -name 'libGLX_nvidia.so.0' -o -name 'libvulkan_radeon.so' -o -name 'libvulkan_intel.so' \) \
  -printf '%h\n' 2>/dev/null | sort -u | paste -sd: -)"
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
           /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; break; fi
done
egl_vendor=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -f "$egl_vendor" ] && export __EGL_VENDOR_LIBRARY_FILENAMES="$egl_vendor"
echo "run: driver dirs: ${driver_dirs:-none}; VK_DRIVER_FILES=${VK_DRIVER_FILES:-default}"
launch() { LD_LIBRARY_PATH="$here/lib:${driver_dirs}:/usr/local/nvidia/lib64" "$@"; }
launch "$here/bin/vulkaninfo" --summary 2>&1 | grep -E "deviceName|deviceType|apiVersion|driverName" || true
export INFERGRID_SOURCE_DIR="$PWD"
# `run.sh peer`: ours against llama.cpp's Vulkan and CUDA backends (bench/gpu-peer.sh).
if [ "${1:-}" = peer ]; then PEER_DRIVER_DIRS="$driver_dirs" exec "$here/peer.sh" "$here"; fi
# `run.sh validation`: only the validators' audit cost (replay vs generation, issue 12) on this GPU.
if [ "${1:-}" = validation ]; then
  mkdir -p build/bench
  echo "== validation_bench --runs 3"; launch "$here/bin/validation_bench" --runs 3; status=$?
  # The same without the tiled GEMM for prefill chunks (matmul.comp alone): the before/after.
  echo "== validation_bench --runs 3 --tiled 0"; launch "$here/bin/validation_bench" --runs 3 --tiled 0
  # An OpenAI client's sampling (no top-k): the host's share of a replay, and the sampler alone on this host's CPU.
  echo "== validation_bench --runs 2 --openai --temperature 1"; launch "$here/bin/validation_bench" --runs 2 --openai --temperature 1
  # The positions' checks on one thread (as before check_threads): the pool's share of a replay here.
  echo "== validation_bench --runs 2 --openai --temperature 1 --check-threads 1"
  launch "$here/bin/validation_bench" --runs 2 --openai --temperature 1 --check-threads 1
  echo "== sampler_bench 16"; launch "$here/bin/sampler_bench" 16
  exit $status
fi
# The engine tests under the Khronos validation layer with synchronization validation (a missing
# barrier races on a GPU, never on lavapipe); any error the layer reports fails the binary.
validated_tests() {
  local layer="$here/layer" status=0
  [ -f "$layer/libVkLayer_khronos_validation.so.gz" ] || { echo "run: no validation layer bundled"; return 1; }
  [ -f "$layer/libVkLayer_khronos_validation.so" ] || gunzip -k "$layer/libVkLayer_khronos_validation.so.gz"
  echo "== llama_engine_test under the validation layer"
  VK_LAYER_PATH="$layer" INFERGRID_VK_VALIDATION=1 launch "$here/bin/llama_engine_test" --gtest_brief=1 || status=1
  echo "== engine_kernels_test under the validation layer (all but the per-variant matmul comparisons)"
  VK_LAYER_PATH="$layer" INFERGRID_VK_VALIDATION=1 launch "$here/bin/engine_kernels_test" --gtest_brief=1 \
    --gtest_filter=-all_variants/matmul_kernel.* || status=1
  return $status
}
# `run.sh vulkan-validation`: only those.
if [ "${1:-}" = vulkan-validation ]; then validated_tests; exit $?; fi
status=0
for test in vk_device_test engine_kernels_test llama_engine_test; do
  echo "== $test"
  launch "$here/bin/$test" --gtest_brief=1 || status=1
done
validated_tests || status=1
echo "== kernels_bench"; launch "$here/bin/kernels_bench" 4096 4096 || status=1
echo "== decode_bench"; launch "$here/bin/decode_bench" || status=1
echo "== decode_bench q4_k_m (tiled GEMM prefill by default) and --tiled 0"
launch "$here/bin/decode_bench" q4_k_m || status=1
launch "$here/bin/decode_bench" --tiled 0 q4_k_m || status=1
# K-quant groups whole or unit by unit per lane (default: units where a row has fewer groups than lanes).
for lanes in on off; do
  echo "== decode_bench --lane-units $lanes q4_k_m"; launch "$here/bin/decode_bench" --lane-units $lanes q4_k_m || status=1
done
# Kernel choices on this device: where the time goes, and the alternatives to the defaults.
echo "== decode_bench --profile f16"; launch "$here/bin/decode_bench" --profile f16 || status=1
for choice in "--fuse off" "--access storage" "--access storage --fuse off" "--tiled 0" "--tiled 32 --tile 64x64x4x4" \
  "--tiled 32 --tile 128x32x8x4"; do
  echo "== decode_bench $choice f16 q8_0"; launch "$here/bin/decode_bench" $choice f16 q8_0 || status=1
done
exit $status
RUN
chmod +x "$out/run.sh"
du -sh "$out"
