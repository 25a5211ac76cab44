#!/usr/bin/env bash
# ipv6_hosts: a node on an IPv6-only host, reached from another IPv6-only host by `infergrid ping`,
# each host its own network namespace on a veth switch (netns_hosts.sh). The CLI's own node must
# listen for the reply on its IPv6 address on the route to the node (actors/cli/reply_address.hpp):
# it listened on 127.0.0.1 before, so the node's reply went to its own loopback and ping said
# "handshook, but no reply". Then a second node bound on its link-local address is pinged by its
# link-local endpoint from the other host, whose interface to the link is lan0
# (tcp://[fe80::5:1%lan0]:7401): the CLI listens on its own link-local address with the interface
# (tcp://[fe80::5:2%lan0]:*; without it its bind failed), and the node replies to that address
# through its own interface, eth0 (runtime/ingress.cpp: with_local_interface; it tried lan0 before).
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
fail() { echo "ipv6_hosts: FAILED: $*" >&2; tail -20 "$dir"/*.log >&2; exit 1; }

dir="$(mktemp -d /tmp/infergrid-netns-v6-XXXXXX)"
tag=$$
node_pids=()
cleanup() {
  for pid in "${node_pids[@]}"; do
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  done
  remove_hosts "$tag"
  rm -rf "$dir"
}
trap cleanup EXIT
trap "exit 143" TERM INT

make_switch "$tag"
add_host "$tag" node fd00:5::1
add_host "$tag" operator fd00:5::2 lan0  # another interface name than the node's: each host reaches
                                         # a link-local address through its own
on() { local host="$1"; shift; ip netns exec "$(host_ns "$tag" "$host")" "$@"; }
# Link-local addresses of our choosing, usable at once (nodad), besides the kernel's own.
on node ip addr add fe80::5:1/64 dev eth0 nodad
on operator ip addr add fe80::5:2/64 dev lan0 nodad

"$binary" keygen --out "$dir/keys" > /dev/null
start_node() {  # name bind: a node on host `node` (log: $dir/<name>.log), running once its actors have started
  cat > "$dir/$1.yaml" << YAML
node: {name: $1, bind: '$2'}
security: {transport: curve, admit: open, transport_key: $dir/keys/transport.key}
actors:
  - {name: health, kind: health}
YAML
  on node "$binary" node --config "$dir/$1.yaml" > "$dir/$1.log" 2>&1 &
  node_pids+=($!)
  local deadline=$((SECONDS + 20))
  until grep -qs "started actor" "$dir/$1.log"; do
    ((SECONDS < deadline)) || fail "node $1 did not start"
    sleep 0.2
  done
}
start_node v6node 'tcp://[fd00:5::1]:7400'

on operator "$binary" ping --endpoint 'tcp://[fd00:5::1]:7400' --node v6node --server-key "$dir/keys/transport.pub" \
  --timeout-ms 3000 --log-level info > "$dir/ping.log" 2>&1 || fail "ping from the other IPv6 host got no answer: $(cat "$dir/ping.log")"
grep -q "listening on tcp://\[fd00:5::2\]:" "$dir/ping.log" || fail "ping did not listen on its IPv6 address: $(cat "$dir/ping.log")"
grep -q "v6node/health answered" "$dir/ping.log" || fail "ping did not report the answer: $(cat "$dir/ping.log")"

start_node v6link 'tcp://[fe80::5:1%eth0]:7401'
on operator "$binary" ping --endpoint 'tcp://[fe80::5:1%lan0]:7401' --node v6link --server-key "$dir/keys/transport.pub" \
  --timeout-ms 3000 --log-level info > "$dir/link-ping.log" 2>&1 || fail "ping by link-local address got no answer: $(cat "$dir/link-ping.log")"
grep -q "listening on tcp://\[fe80::[0-9a-f:]*%lan0\]:" "$dir/link-ping.log" \
  || fail "link-local ping did not listen on its link-local address with the interface: $(cat "$dir/link-ping.log")"
grep -q "v6link/health answered" "$dir/link-ping.log" || fail "link-local ping did not report the answer: $(cat "$dir/link-ping.log")"
echo "ipv6_hosts: passed (ping across IPv6-only hosts answered, by a global and by a link-local address)"
