#!/usr/bin/env bash
# ipv6_hosts: a node on an IPv6-only host, reached from another IPv6-only host by `infergrid ping`,
# each host its own network namespace on a veth switch (netns_hosts.sh). The CLI's own node must
# listen for the reply on its IPv6 address on the route to the node (actors/cli/reply_address.hpp):
# it listened on 127.0.0.1 before, so the node's reply went to its own loopback and ping said
# "handshook, but no reply".
# Needs root and `ip netns`; exits 77 (ctest: skipped) with the reason where namespaces cannot be made.
#   tests/netns/ipv6_hosts.sh [--binary build/actors/cli/infergrid]
set -euo pipefail

binary="${INFERGRID_BINARY_DIR:-build}/actors/cli/infergrid"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    *) echo "ipv6_hosts: unknown argument $1" >&2; exit 2 ;;
  esac
done
binary="$(realpath "$binary")"
here="$(dirname "$(realpath "$0")")"
source "$here/netns_hosts.sh"

skip_without_namespaces ipv6_hosts
fail() { echo "ipv6_hosts: FAILED: $*" >&2; tail -20 "$dir/node.log" >&2; exit 1; }

dir="$(mktemp -d /tmp/infergrid-netns-v6-XXXXXX)"
tag=$$
node_pid=""
cleanup() {
  if [[ -n "$node_pid" ]]; then
    kill "$node_pid" 2> /dev/null || true
    wait "$node_pid" 2> /dev/null || true
  fi
  remove_hosts "$tag"
  rm -rf "$dir"
}
trap cleanup EXIT
trap "exit 143" TERM INT

make_switch "$tag"
add_host "$tag" node fd00:5::1
add_host "$tag" operator fd00:5::2
on() { local host="$1"; shift; ip netns exec "$(host_ns "$tag" "$host")" "$@"; }

"$binary" keygen --out "$dir/keys" > /dev/null
cat > "$dir/node.yaml" << YAML
node: {name: v6node, bind: 'tcp://[fd00:5::1]:7400'}
security: {transport: curve, admit: open, transport_key: $dir/keys/transport.key}
actors:
  - {name: health, kind: health}
YAML
on node "$binary" node --config "$dir/node.yaml" > "$dir/node.log" 2>&1 &
node_pid=$!
deadline=$((SECONDS + 20))
until grep -qs "started actor" "$dir/node.log"; do
  ((SECONDS < deadline)) || fail "the node did not start"
  sleep 0.2
done

on operator "$binary" ping --endpoint 'tcp://[fd00:5::1]:7400' --node v6node --server-key "$dir/keys/transport.pub" \
  --timeout-ms 3000 > "$dir/ping.out" 2>&1 || fail "ping from the other IPv6 host got no answer: $(cat "$dir/ping.out")"
grep -q "listening on tcp://\[fd00:5::2\]:" "$dir/ping.out" || fail "ping did not listen on its IPv6 address: $(cat "$dir/ping.out")"
grep -q "v6node/health answered" "$dir/ping.out" || fail "ping did not report the answer: $(cat "$dir/ping.out")"
echo "ipv6_hosts: passed (ping across IPv6-only hosts answered)"
