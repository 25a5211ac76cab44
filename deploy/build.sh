#!/usr/bin/env bash
# Configures and builds InferGrid into build/ (the `dev` preset).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)"
