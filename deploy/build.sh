#!/usr/bin/env bash
# Configures and builds InferGrid into build/ (the `dev` preset).
#   deploy/build.sh   (no arguments; --help: this text)
set -euo pipefail
case "${1:-}" in  # --help: the comment above; an argument it does not take is refused
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  ?*) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)"
# The dev chain's tools (anvil, the compiled contracts) for `infergrid up --chain` and `chain deploy`;
# the grid itself does not need them, so a machine without npm access still builds.
./deploy/install-chain-tools.sh build || echo "build: the dev chain's tools are not installed (infergrid up --chain needs them)" >&2
