#!/usr/bin/env bash
# Installs what InferGrid needs on Debian 12 (idempotent: installs only what is missing).
#   deploy/install-deps.sh   (no arguments; --help: this text)
set -euo pipefail
case "${1:-}" in  # --help: the comment above; an argument it does not take is refused
  -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  ?*) echo "install-deps.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
packages=(
  build-essential cmake ninja-build pkg-config git
  libzmq3-dev cppzmq-dev libmsgpack-cxx-dev libsodium-dev libfmt-dev libyaml-cpp-dev libpcre2-dev
  libsqlite3-dev sqlite3 libcpp-httplib-dev nlohmann-json3-dev libcli11-dev
  libcrypto++-dev libsecp256k1-dev
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-tools vulkan-validationlayers
  libgtest-dev libgmock-dev libbenchmark-dev
  curl nodejs npm chromium
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# nodejs/npm may come from outside Debian's archive (e.g. a preinstalled Node.js): accept a working binary.
filtered=()
for package in "${missing[@]}"; do
  case "$package" in
    nodejs) command -v node >/dev/null 2>&1 || filtered+=("$package") ;;
    npm) command -v npm >/dev/null 2>&1 || filtered+=("$package") ;;
    *) filtered+=("$package") ;;
  esac
done
if [ ${#filtered[@]} -eq 0 ]; then
  echo "install-deps: all dependencies present"
  exit 0
fi
echo "install-deps: installing ${filtered[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${filtered[@]}"
