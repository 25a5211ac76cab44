#!/usr/bin/env bash
# README command 1: install dependencies, build, and run the all-in-one grid with the bundled model.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
./deploy/build.sh
exec ./build/actors/cli/infergrid up --config deploy/all-in-one.yaml "$@"
