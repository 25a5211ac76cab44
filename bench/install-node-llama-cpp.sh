#!/usr/bin/env bash
# install-node-llama-cpp.sh DIR: node-llama-cpp@3.21.1 (llama.cpp's prebuilt CPU, Vulkan and CUDA
# builds, and the source of that release) into DIR/node_modules, unless it is there already. The one
# install that bench/peer-bench.sh and bench/gpu-bundle.sh (GPU_BUNDLE_PEER=1) share.
set -euo pipefail
case "${1:-}" in  # --help: the comment above; a flag it does not know is refused
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  -*) echo "install-node-llama-cpp.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
peer="${1:?usage: install-node-llama-cpp.sh DIR}"
if [ ! -d "$peer/node_modules/node-llama-cpp" ]; then
  mkdir -p "$peer"
  (cd "$peer" && echo '{"private": true}' > package.json && npm i -E --no-audit --no-fund node-llama-cpp@3.21.1 >&2)
fi
