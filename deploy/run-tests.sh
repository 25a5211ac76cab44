#!/usr/bin/env bash
# README command 2: install dependencies, build, and run the whole test suite (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
./deploy/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
