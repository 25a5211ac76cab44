#!/usr/bin/env bash
# gpu-peer.sh: ours against llama.cpp on the same GPU, on a generated Llama-3.1-8B-shaped model in
# llama.cpp's Q4_K_M mix — the race that matters (issue 19: ours >= llama.cpp-Vulkan). Runs from a
# bundle made by `bench/gpu-bundle.sh` on a GPU host with no build tools of ours and no network:
#   OUT_DIR/run.sh peer          (or: bench/gpu-peer.sh BUNDLE_DIR, from the repository root)
#   [PEER_SIZE=llama3.1-8b] [PEER_TYPE=q4_k_m] [PEER_CUDA=auto|0] [PEER_JOBS=nproc]
# Steps, each timed:
#   1. llama.cpp's tools from the source of the release node-llama-cpp@3.21.1 ships (the bundle's
#      llamacpp/source.tar.gz): llama-batched-bench with its backends as loadable libraries, the
#      CUDA one compiled here when nvcc exists (PEER_CUDA=0: skip it); node-llama-cpp's prebuilt
#      Vulkan backend (llamacpp/libggml-vulkan.so.gz) beside them, so the Vulkan peer is the very
#      build `bench/peer-bench.sh` times on lavapipe.
#   2. ours: decode_bench --size PEER_SIZE PEER_TYPE (generates the model once, prints its path).
#   3. llama.cpp on the same file, per device (Vulkan0, CUDA0): prefill of a 64-token prompt and
#      greedy decode of 24 tokens for 1 and 8 sequences (llama-batched-bench -npp 64 -ntg 24 -npl 1,8).
#   4. one table: prefill, decode batch 1 and batch 8 tokens/s, and ours / each.
set -uo pipefail
case "${1:-}" in  # --help: the comment above; a flag it does not know is refused
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  -*) echo "gpu-peer.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
bundle="$(cd "${1:?usage: gpu-peer.sh BUNDLE_DIR}" && pwd)"
size="${PEER_SIZE:-llama3.1-8b}"
type="${PEER_TYPE:-q4_k_m}"
jobs="${PEER_JOBS:-$(nproc)}"
work="$bundle/work"
mkdir -p "$work/tmp"
launch() { LD_LIBRARY_PATH="$bundle/lib:${PEER_DRIVER_DIRS:-}:/usr/local/nvidia/lib64" "$@"; }
stamp() { echo "[gpu-peer $(date -u +%T)] $*"; }

# 1. llama.cpp's tools.
llama="$work/llama.cpp"
if [ ! -x "$llama/build/bin/llama-batched-bench" ]; then
  stamp "building llama.cpp's llama-batched-bench"
  rm -rf "$llama" && mkdir -p "$llama"
  tar -C "$llama" -xzf "$bundle/llamacpp/source.tar.gz" || { echo "gpu-peer: no llama.cpp source in the bundle" >&2; exit 1; }
  cuda=(-DGGML_CUDA=OFF)
  if [ "${PEER_CUDA:-auto}" != 0 ] && command -v nvcc >/dev/null 2>&1; then
    cuda=(-DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=native)
  fi
  generator=()
  command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
  cmake -S "$llama" -B "$llama/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DGGML_BACKEND_DL=ON \
    -DGGML_NATIVE=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF "${cuda[@]}" > "$work/llama-configure.log" 2>&1 \
    || { tail -20 "$work/llama-configure.log"; exit 1; }
  targets=(llama-batched-bench ggml-cpu)
  [ "${cuda[0]}" = -DGGML_CUDA=ON ] && targets+=(ggml-cuda)
  cmake --build "$llama/build" -j"$jobs" --target "${targets[@]}" > "$work/llama-build.log" 2>&1 \
    || { tail -30 "$work/llama-build.log"; exit 1; }
  gzip -dc "$bundle/llamacpp/libggml-vulkan.so.gz" > "$llama/build/bin/libggml-vulkan.so"
fi
stamp "llama.cpp backends: $(cd "$llama/build/bin" && ls libggml-*.so | tr '\n' ' ')"

# 2. Ours (the model is generated here once, into $work/tmp).
stamp "ours: decode_bench --no-bound --size $size $type"
ours="$(TMPDIR="$work/tmp" launch "$bundle/bin/decode_bench" --no-bound --size "$size" "$type" 2>&1)"
echo "$ours"
model="$(echo "$ours" | sed -n 's/^model file: //p' | head -1)"
[ -f "$model" ] || { echo "gpu-peer: decode_bench wrote no model" >&2; exit 1; }
ours_prefill=$(echo "$ours" | sed -n 's/.*prefill batch 1: *\([0-9.]*\).*/\1/p')
ours_d1=$(echo "$ours" | sed -n 's/.*decode  batch 1: *\([0-9.]*\).*/\1/p')
ours_d8=$(echo "$ours" | sed -n 's/.*decode  batch 8: *\([0-9.]*\).*/\1/p')

# 3. llama.cpp per device. Its table rows: | PP | TG | B | N_KV | T_PP | S_PP t/s | T_TG | S_TG t/s | ...
table="$work/table.txt"
printf "%-24s %9s %9s %9s\n" "engine ($type, $size)" prefill decode1 decode8 > "$table"
printf "%-24s %9s %9s %9s\n" "ours (Vulkan)" "$ours_prefill" "$ours_d1" "$ours_d8" >> "$table"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "-" }'; }
for device in Vulkan0 CUDA0; do
  [ "$device" = CUDA0 ] && [ ! -f "$llama/build/bin/libggml-cuda.so" ] && continue
  stamp "llama.cpp on $device"
  out="$(cd "$llama/build/bin" && launch ./llama-batched-bench -m "$model" -dev "$device" -ngl 99 -c 4096 -b 512 \
           -ub 512 -npp 64 -ntg 24 -npl 1,8 2>&1)"
  echo "$out" | grep -E "^\||error|failed" || echo "$out" | tail -20
  row() { echo "$out" | awk -F'|' -v b="$1" '$2 + 0 == 64 && $4 + 0 == b { gsub(/ /, "", $0); print; exit }'; }
  one=$(row 1); eight=$(row 8)
  prefill=$(echo "$one" | awk -F'|' '{print $7}')
  d1=$(echo "$one" | awk -F'|' '{print $9}')
  d8=$(echo "$eight" | awk -F'|' '{print $9}')
  printf "%-24s %9s %9s %9s\n" "llama.cpp-$device" "${prefill:--}" "${d1:--}" "${d8:--}" >> "$table"
  printf "%-24s %9s %9s %9s\n" "  ours / it" "$(ratio "$ours_prefill" "$prefill")" "$(ratio "$ours_d1" "$d1")" \
    "$(ratio "$ours_d8" "$d8")" >> "$table"
done
stamp "done"
echo
cat "$table"
