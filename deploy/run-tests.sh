#!/usr/bin/env bash
# README command 2: install dependencies, build, and run the whole test suite (ctest).
#   deploy/run-tests.sh [ctest arguments]   (--help: this text; the arguments go to ctest, e.g. -R PATTERN
#   to run the tests whose names match, or -E PATTERN to leave some out)
set -euo pipefail
case "${1:-}" in  # --help answers before anything is installed or built
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
# build/ ends near 0.9 GB after a full run (fixtures included) and the tests write a few hundred MB
# under ${TMPDIR:-/tmp}; say so up front rather than fail late with "No space left on device".
free_mb=$(df --output=avail -BM . | tail -1 | tr -dc 0-9)
if (( free_mb < 3072 )); then
  echo "run-tests: only ${free_mb} MB free here; the build and the tests need about 2 GB (build/ ~0.9 GB, temporary files in ${TMPDIR:-/tmp})" >&2
fi
./deploy/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
