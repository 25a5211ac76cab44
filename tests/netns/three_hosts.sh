#!/usr/bin/env bash
# three_hosts: deploy/cluster/three-host/ as written — hub (gateway, matchmaker, HTTP bridge) on
# 10.0.0.1, a miner on 10.0.0.2, the ledger with a second miner on 10.0.0.3 — each host its own
# network namespace, joined by veth pairs on a bridge in a fourth ("switch") namespace. Keys are made
# with `infergrid keygen` and accounts funded with `infergrid ledger`, as README's miner steps say.
# Checks, each against the running processes:
#   1. completions over HTTP are served by both miners, across the hosts;
#   2. the wire between hub and miner carries no prompt bytes (a raw AF_PACKET capture in the hub);
#   3. cutting the miner's link reroutes its jobs to the other miner (no failed request after the
#      matchmaker notices), and the miner serves again once the link returns, with nothing restarted;
#   4. a host with a key nobody configured (admitted by the permissionless hub, but unstaked) is
#      never scheduled; the miner host (an allowlist) refuses that key's connection and admits the
#      hub's; every node is still running at the end.
# Needs root and `ip netns`; exits 77 (ctest: skipped) with the reason where namespaces cannot be made.
#   tests/netns/three_hosts.sh [--binary build/actors/cli/infergrid] [--keep DIR]
set -euo pipefail

binary="${INFERGRID_BINARY_DIR:-build}/actors/cli/infergrid" keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "three_hosts: unknown argument $1" >&2; exit 2 ;;
  esac
done
binary="$(realpath "$binary")"
source_dir="$(realpath "${INFERGRID_SOURCE_DIR:-$(dirname "$(realpath "$0")")/../..}")"
here="$(dirname "$(realpath "$0")")"
source "$here/netns_hosts.sh"

skip_without_namespaces three_hosts
fail() { echo "three_hosts: FAILED: $*" >&2; dump_logs; exit 1; }

dir="${keep:-$(mktemp -d /tmp/infergrid-netns-XXXXXX)}"
mkdir -p "$dir"
tag=$$
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  local deadline=$((SECONDS + 15)) pid
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2> /dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -9 "$pid" 2> /dev/null || true
  done
  remove_hosts "$tag"
  [[ -n "$keep" ]] || rm -rf "$dir"
}
trap cleanup EXIT
trap "exit 143" TERM INT  # so a killed test still stops its nodes and removes its namespaces
dump_logs() {
  for f in "$dir"/*.log; do [[ -f "$f" ]] && { echo "--- $f (last 40 lines)"; tail -40 "$f"; }; done >&2
}

# --- the network: three hosts and a stranger on one switch
make_switch "$tag"
add_host "$tag" hub 10.0.0.1
add_host "$tag" miner 10.0.0.2
add_host "$tag" ledger 10.0.0.3
add_host "$tag" stranger 10.0.0.4
on() { local host="$1"; shift; ip netns exec "$(host_ns "$tag" "$host")" "$@"; }

# --- keys and configs, from the example with its paths pointed into $dir
cd "$source_dir"
for who in hub miner-1 ledger operator stranger; do "$binary" keygen --out "$dir/keys/$who" > /dev/null; done
cp deploy/api-keys.yaml "$dir/api-keys.yaml"
for host in hub miner ledger; do
  sed -e "s#keys/#$dir/keys/#g" -e "s#/var/lib/infergrid/ledger.db#$dir/ledger.db#" \
      -e "s#deploy/api-keys.yaml#$dir/api-keys.yaml#" "deploy/cluster/three-host/$host.yaml" > "$dir/$host.yaml"
done
# The stranger: a miner whose key no host lists, joining the permissionless hub without stake.
sed -e "s#miner-1#stranger#g" -e "s#10.0.0.2#10.0.0.4#" "$dir/miner.yaml" > "$dir/stranger.yaml"

# --- the operator funds the developer and stakes both miners (before the ledger node holds the file)
ledger_cli() { "$binary" ledger --db "$dir/ledger.db" "$@" > /dev/null; }
ledger_cli --create deposit dev 1000  # the first entry starts the ledger file
for miner in miner-1 ledger; do
  id="$(cat "$dir/keys/$miner/signing.pub")"
  ledger_cli deposit "$id" 200 --kind miner
  ledger_cli stake "$id" 100  # the ledger schedules miners from 100 staked (miner_stake_min_micro)
done
miner_id="$(cat "$dir/keys/miner-1/signing.pub")"
ledger_miner_id="$(cat "$dir/keys/ledger/signing.pub")"
stranger_id="$(cat "$dir/keys/stranger/signing.pub")"

start() {  # host config; `ip netns exec` execs the node, so $! is the node's own pid
  ip netns exec "$(host_ns "$tag" "$1")" "$binary" node --config "$dir/$2.yaml" > "$dir/$2.log" 2>&1 &
  pids+=($!)
}
start ledger ledger
start hub hub
start miner miner
start stranger stranger

complete() {  # prompt -> prints the serving miner, or "error <status>"
  local body
  body=$(on hub curl -s -m 20 -w '\n%{http_code}' http://10.0.0.1:8080/v1/completions \
    -H 'Authorization: Bearer sk-infergrid-dev' -H 'Content-Type: application/json' \
    -d "{\"model\":\"stories260k\",\"prompt\":\"$1\",\"max_tokens\":8}") || { echo "error curl"; return; }
  local code="${body##*$'\n'}"
  [[ "$code" == 200 ]] || { echo "error $code"; return; }
  python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["miner"])' <<< "${body%$'\n'*}"
}
served_by() {  # n -> the miners that served n requests, one per line (errors as "error <status>")
  for i in $(seq 1 "$1"); do complete "Once upon a time $i"; done
}
wait_for() {  # seconds, description, command...
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@"; do
    ((SECONDS < deadline)) || fail "timed out after ${deadline}s waiting for $what"
    sleep 0.5
  done
}
both_miners_serve() { local out; out=$(served_by 12); grep -qx "$miner_id" <<< "$out" && grep -qx "$ledger_miner_id" <<< "$out"; }

# --- 1. served across the hosts by both miners
wait_for 120 "both miners to serve requests over HTTP" both_miners_serve
echo "three_hosts: both miners serve requests across the hosts"

# --- 2. the wire between hub and miner is encrypted
prompt_marker="ZebraQuartzMarker$tag"
on hub python3 "$here/capture_tcp.py" --interface "$(host_if hub)" --seconds 6 --out "$dir/capture.bin" &
capture=$!
sleep 1
for i in 1 2 3 4 5 6; do complete "$prompt_marker $i" > /dev/null; done
wait "$capture" || fail "the packet capture failed"
captured=$(stat -c %s "$dir/capture.bin")
((captured > 1000)) || fail "the capture holds only $captured bytes: it did not see the grid's traffic"
if grep -q "$prompt_marker" "$dir/capture.bin"; then fail "the prompt was readable on the wire"; fi
echo "three_hosts: $captured captured bytes between the hosts hold no prompt text"

# --- 3. cut the miner's link: its jobs go to the other miner; it rejoins when the link returns
cut_link "$tag" miner
sleep 3  # the matchmaker's heartbeat timeout (1.5 s) and the jobs in flight failing over
out=$(served_by 8)
grep -q "^error" <<< "$out" && fail "requests failed while the miner's link was cut: $(tr '\n' ' ' <<< "$out")"
grep -qx "$miner_id" <<< "$out" && fail "a request was served by the cut-off miner"
echo "three_hosts: with the miner's link cut, 8/8 requests served by the ledger host's miner"
restore_link "$tag" miner
wait_for 60 "the miner to serve again after its link returned" both_miners_serve
echo "three_hosts: the miner serves again after its link returned (no process restarted)"

# --- 4. a stranger's worker (admitted, unstaked) is never scheduled
out=$(served_by 12)
grep -qx "$stranger_id" <<< "$out" && fail "the unstaked stranger was scheduled"
grep -q "not registered with matchmaker.*no account $stranger_id" "$dir/stranger.log" ||
  fail "the stranger's worker did not log why the hub refused it"
# The miner host admits only the hub's transport key: the stranger's own key (and a fresh one) get no
# connection, while the hub's key does.
miner_pub="$(cat "$dir/keys/miner-1/transport.pub")"
ping_miner() {  # host transport-key -> the ping's exit status
  on "$1" "$binary" ping --endpoint tcp://10.0.0.2:7502 --node miner-1 --server-key "$miner_pub" \
    --transport-key "$2" --timeout-ms 1500 > "$dir/ping-$1.out" 2>&1
}
ping_miner stranger "$dir/keys/stranger/transport.key" && fail "the miner host answered a key it does not admit"
ping_miner hub "$dir/keys/hub/transport.key" || fail "the miner host refused the hub's key: $(cat "$dir/ping-hub.out")"
echo "three_hosts: the miner host refuses the stranger's transport key and admits the hub's"
for pid in "${pids[@]}"; do kill -0 "$pid" 2> /dev/null || fail "a node process exited"; done
echo "three_hosts: the unstaked stranger was never scheduled; every node still runs"
echo "three_hosts: OK"
