#!/usr/bin/env bash
# Configures and builds InferGrid into build/ (the `dev` preset).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)"
# The dev chain's tools (anvil, the compiled contracts) for `infergrid up --chain` and `chain deploy`;
# the grid itself does not need them, so a machine without npm access still builds.
./deploy/install-chain-tools.sh build || echo "build: the dev chain's tools are not installed (infergrid up --chain needs them)" >&2
