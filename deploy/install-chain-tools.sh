#!/usr/bin/env bash
# Installs what the dev chain needs into the build tree, BUILD_DIR/chain_contracts (default build/):
# the pinned npm packages of actors/settlement/chain/contracts/package-lock.json (solc and
# @foundry-rs/anvil, scripts off: the platform's anvil binary comes as an optional dependency), a
# link ./anvil to that binary, and the compiled contracts in artifacts/. `infergrid chain deploy` and
# `infergrid up --chain` look there (deploy/readme/chain.md). npm runs only when the lock file changed.
# (The chain tests' ctest fixtures chain_npm_install and chain_contracts_compile do the same.)
#   deploy/install-chain-tools.sh [BUILD_DIR]   (--help: this text)
set -euo pipefail
case "${1:-}" in  # --help: the comment above; a flag it does not know is refused
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  -*) echo "install-chain-tools.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
contracts="$PWD/actors/settlement/chain/contracts"
work="$(mkdir -p "${1:-build}/chain_contracts" && cd "${1:-build}/chain_contracts" && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-chain-tools: node and npm are required (deploy/install-deps.sh installs them)" >&2
  exit 1
fi
cd "$work"
if ! cmp -s "$contracts/package-lock.json" package-lock.json || [ ! -x anvil ]; then
  cp "$contracts/package.json" "$contracts/package-lock.json" .
  npm ci --ignore-scripts --no-audit --no-fund --prefer-offline
  ln -sf "$(ls -d "$work"/node_modules/@foundry-rs/anvil-*/bin/anvil | head -n 1)" anvil
fi
echo "install-chain-tools: $(./anvil --version | head -n 1) in $work"
node "$contracts/compile.mjs" "$work/artifacts"
echo "install-chain-tools: contracts compiled into $work/artifacts"
