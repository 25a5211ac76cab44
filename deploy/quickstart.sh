#!/usr/bin/env bash
# README command 1: install dependencies, build, and run the all-in-one grid with the bundled model.
#   deploy/quickstart.sh [--chain] [any other `infergrid up` flag]   (--help: this text; the flags go to
#   `infergrid up` once the grid is built, e.g. --config FILE; `infergrid up --help` lists them)
set -euo pipefail
case "${1:-}" in  # --help answers before anything is installed or built
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
./deploy/build.sh
exec ./build/actors/cli/infergrid up --config deploy/all-in-one.yaml "$@"
