#!/usr/bin/env bash
# peer-bench.sh: ours (bench/decode_bench) against llama.cpp itself (bench/llamacpp_peer.mjs: its CPU
# backend with 1 and 2 threads, and its Vulkan backend on the same Vulkan device — lavapipe here) on
# a generated Qwen2.5-0.5B-shaped model (`make-model --size qwen2-0.5b`: qwen2 architecture) in llama.cpp's
# Q4_K_M mix and in Q8_0, in one run. Prints prefill and greedy decode tokens/s at batch 1 and 8 (8
# parallel sequences), the ratios ours / peer, and peak RSS of each process.
#   [PEER_TYPES="q4_k_m q8_0"] [PEER_SIZE=qwen2-0.5b] [PEER_RUNS="cpu 1,cpu 2,vulkan 2"] bench/peer-bench.sh [BUILD_DIR]
#   (PEER_RUNS: llama.cpp backends and thread counts; "cpu 1,cpu 2" skips its Vulkan backend, which
#   runs a 1.5B model on lavapipe at well under 1 token/s)
#   (needs the infergrid and decode_bench targets built)
# Installs node-llama-cpp@3.21.1 (prebuilt llama.cpp) under BUILD_DIR/peer on first use. Run it on a
# quiet machine: the script prints `uptime` first; above a load of ~3 on 2 vCPUs the figures are noise.
set -euo pipefail
case "${1:-}" in  # --help: the comment above; a flag it does not know is refused
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  -*) echo "peer-bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
peer=$build/peer
types=${PEER_TYPES:-"q4_k_m q8_0"}
size=${PEER_SIZE:-qwen2-0.5b}   # make-model --size; small/100m for a quick check
prompt=64   # as decode_bench
decode=24
IFS=, read -r -a peer_runs <<< "${PEER_RUNS:-cpu 1,cpu 2,vulkan 2}"

"$root/bench/install-node-llama-cpp.sh" "$peer"
cp "$root/bench/llamacpp_peer.mjs" "$peer/"   # resolves node-llama-cpp from its own folder

echo "load: $(uptime)"
# Peak RSS in MB of a command (GNU time), its stdout kept.
peak_rss() { /usr/bin/time -f "%M" -o "$peer/time.txt" "$@"; }
rss_mb() { awk '{printf "%.0f", $1 / 1024}' "$peer/time.txt"; }
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }

printf "\n%-7s %-22s %9s %9s %9s %9s\n" type engine prefill decode1 decode8 rss_MB
for type in $types; do
  model=$peer/models/random-llama-$size-$type.gguf
  mkdir -p "$peer/models"
  [ -f "$model" ] || "$build/actors/cli/infergrid" make-model --out "$model" --size "$size" --type "$type" >&2
  # --no-bound: no memcpy-bandwidth runs, whose 512 MiB of buffers would count in ours' peak RSS.
  ours=$(peak_rss "$build/bench/decode_bench" --no-bound --model "$model")
  ours_rss=$(rss_mb)
  ours_prefill=$(echo "$ours" | sed -n 's/.*prefill batch 1: *\([0-9.]*\).*/\1/p')
  ours_d1=$(echo "$ours" | sed -n 's/.*decode  batch 1: *\([0-9.]*\).*/\1/p')
  ours_d8=$(echo "$ours" | sed -n 's/.*decode  batch 8: *\([0-9.]*\).*/\1/p')
  printf "%-7s %-22s %9s %9s %9s %9s\n" "$type" ours "$ours_prefill" "$ours_d1" "$ours_d8" "$ours_rss"
  best_d1=0; best_line=""
  for run in "${peer_runs[@]}"; do
    set -- $run
    env_vars=()
    [ "$1" = vulkan ] && env_vars=(GGML_VK_VISIBLE_DEVICES=0)
    line=$(peak_rss env "${env_vars[@]}" node "$peer/llamacpp_peer.mjs" --model "$model" --gpu "$1" --threads "$2" \
             --prompt $prompt --decode $decode --sequences 8) || { echo "llama.cpp $1 failed" >&2; continue; }
    rss=$(rss_mb)
    p=$(echo "$line" | field prefill_tok_s); d1=$(echo "$line" | field decode1_tok_s); d8=$(echo "$line" | field decodeN_tok_s)
    printf "%-7s %-22s %9s %9s %9s %9s\n" "$type" "llama.cpp-$1 ${2}t" "$p" "$d1" "$d8" "$rss"
    printf "%-7s %-22s %9s %9s %9s %9s\n" "" "  ours / it" \
      "$(awk -v a="$ours_prefill" -v b="$p" 'BEGIN{printf "%.2fx", a/b}')" \
      "$(awk -v a="$ours_d1" -v b="$d1" 'BEGIN{printf "%.2fx", a/b}')" \
      "$(awk -v a="$ours_d8" -v b="$d8" 'BEGIN{printf "%.2fx", a/b}')" \
      "$(awk -v a="$ours_rss" -v b="$rss" 'BEGIN{printf "%.2fx", a/b}')"
  done
done
echo "load after: $(uptime)"
