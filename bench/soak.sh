#!/usr/bin/env bash
# soak: mixed traffic against a real multi-process grid for a while, sampling what must not drift.
#   bench/soak.sh [--seconds 1800] [--binary build/actors/cli/infergrid] [--clients 4]
#                 [--kill-every 180] [--sample-every 60] [--keep DIR] [--caches small|default]
# Grid: a hub process (settlement with a durable ledger, matchmaker forwarding receipts, the HTTP
# bridge in settlement mode) and two stories260k worker processes. Traffic: `--clients` loops, each
# request one of a whole completion, a stream, a stream the client cancels after 0.3 s. Every
# `--kill-every` seconds a worker is kill -9'ed and restarted (failover). Every `--sample-every`
# seconds: the hub's RSS, open escrows, open escrows past their expiry, `ledger verify`.
# Prints requests/s, p50/p99 latency, RSS growth (extrapolated per hour), the worst count of
# escrows past expiry, and exits 1 if an invariant broke: a failed verify, an escrow past its
# expiry, a 5xx other than the failover window's 502/503/504, or open escrows left after the
# hub's graceful stop. It counts the partial settlements (workers paid from their signed chunk
# claims: cancelled streams, failovers). The test suite runs it for 75 s (ctest -R soak_short).
# --caches small (the default) shrinks the hub's bounded histories — the matchmaker's audit feed
# (audit_memory 4096 -> 256 finished requests) and its demand history (demand_history_s 7200 -> 120) —
# so they are full within the first minutes and RSS growth after that is what a leak would cost;
# --caches default keeps the shipped sizes (they fill over ~2 hours of this traffic).
set -euo pipefail

seconds=1800 clients=4 kill_every=180 sample_every=60 keep="" caches=small
binary="${INFERGRID_BINARY_DIR:-build}/actors/cli/infergrid"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --kill-every) kill_every="$2"; shift 2 ;;
    --sample-every) sample_every="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --caches) caches="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$caches" in
  small) matchmaker_caches=", audit_memory: 256, demand_history_s: 120" ;;
  default) matchmaker_caches="" ;;
  *) echo "soak: --caches takes small or default, not $caches" >&2; exit 2 ;;
esac
binary="$(realpath "$binary")"
source_dir="${INFERGRID_SOURCE_DIR:-$(dirname "$(realpath "$0")")/..}"
model="$(realpath "$source_dir/deploy/models/stories260k.gguf")"
dir="${keep:-$(mktemp -d /tmp/infergrid-soak-XXXXXX)}"
mkdir -p "$dir"
# Runs its own link to the binary (a copy across file systems): the linker replaces a rebuilt binary
# with a new file, so a rebuild of the tree during a long soak neither breaks the samples and the
# worker restarts that exec it nor mixes two builds in one run.
ln -f "$binary" "$dir/infergrid" 2>/dev/null || cp "$binary" "$dir/infergrid"
binary="$dir/infergrid"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
              echo $((20000 + RANDOM % 20000)); }
hub_port=$(free_port); http_port=$(free_port)
# The kernel may hand out one free port twice in a row; two listeners cannot share it.
while [ "$http_port" = "$hub_port" ]; do http_port=$(free_port); done
request_timeout_ms=10000 grace_ms=2000

cat > "$dir/keys.yaml" <<KEYS
accounts:
  - {name: soak, keys: [sk-soak], account: soak, rate_limit_per_minute: 0}
KEYS
# CurveZMQ between the processes, as a cluster runs (keys as `infergrid keygen` writes them).
for who in hub w0 w1; do "$binary" keygen --out "$dir/keys-$who" > /dev/null; done
cat > "$dir/hub.yaml" <<HUB
node: {name: hub, bind: "tcp://127.0.0.1:$hub_port"}
security: {admit: open, transport: curve, transport_key: $dir/keys-hub/transport.key}
actors:
  - name: settlement
    kind: settlement
    settings: {db: $dir/ledger.db, escrow_grace_ms: $grace_ms, reconcile_interval_ms: 500,
               genesis_deposits: {soak: 1000000000000}}
  - name: matchmaker
    kind: matchmaker
    settings: {receipts_to: settlement, heartbeat_interval_ms: 200, heartbeat_timeout_ms: 1500, stall_timeout_ms: 3000$matchmaker_caches}
  - name: http
    kind: http_bridge
    settings: {listen: 127.0.0.1:$http_port, keys_file: $dir/keys.yaml, settlement: settlement,
               request_timeout_ms: $request_timeout_ms, rate_limit_per_minute: 0}
HUB
for w in 0 1; do
  cat > "$dir/worker$w.yaml" <<WORKER
node: {name: w$w, bind: "tcp://127.0.0.1:*"}
security: {transport: curve, transport_key: $dir/keys-w$w/transport.key}
peers: [{name: hub, endpoint: "tcp://127.0.0.1:$hub_port", actors: [matchmaker],
         transport_key: $dir/keys-hub/transport.pub}]
actors:
  - name: gpu_worker
    kind: gpu_worker
    settings: {model_path: "$model", slots: 4, context_size: 512, benchmark_tokens: 4, heartbeat_interval_ms: 200,
               identity_file: $dir/worker$w.key}
WORKER
done

pids=()
cleanup() {
  for pid in "${pids[@]}" ${hub_pid:-} ${worker_pid[0]:-} ${worker_pid[1]:-}; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -z "$keep" ]] && rm -rf "$dir"
  return 0
}
trap cleanup EXIT

"$binary" node --config "$dir/hub.yaml" > "$dir/hub.log" 2>&1 & hub_pid=$!
declare -a worker_pid
start_worker() { "$binary" node --config "$dir/worker$1.yaml" >> "$dir/worker$1.log" 2>&1 & worker_pid[$1]=$!; }
start_worker 0; start_worker 1
for _ in $(seq 600); do
  workers=$( (curl -s "http://127.0.0.1:$http_port/health" || true) | sed -n 's/.*"workers":\([0-9]*\).*/\1/p')
  [[ "${workers:-0}" -ge 2 ]] && break
  sleep 0.1
done
[[ "${workers:-0}" -ge 2 ]] || { echo "soak: the grid did not come up; see $dir" >&2; keep=1; exit 1; }

ledger() { "$binary" ledger --db "$dir/ledger.db" "$@"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# The anonymous part (heap, stacks) apart from mapped files (code and libraries paged in as used).
anon_kib() { awk '/RssAnon/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# One client loop: writes "status seconds kind" per request to its file until the end time.
client() {
  local out="$dir/client$1.txt" end=$2 n=0 kind body
  while (( $(date +%s) < end )); do
    n=$((n + 1))
    case $((RANDOM % 3)) in
      0) kind=whole; body='{"model":"stories260k","prompt":"Once upon a time '$n'","max_tokens":48}' ;;
      1) kind=stream; body='{"model":"stories260k","prompt":"A cat '$n'","max_tokens":96,"stream":true}' ;;
      2) kind=cancel; body='{"model":"stories260k","prompt":"A dog '$n'","max_tokens":400,"stream":true}' ;;
    esac
    local limit=30; [[ $kind == cancel ]] && limit=0.3
    local result
    result=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time "$limit" \
               -H 'Authorization: Bearer sk-soak' -H 'Content-Type: application/json' -d "$body" \
               "http://127.0.0.1:$http_port/v1/completions" || true)
    echo "$result $kind" >> "$out"
  done
}

start=$(date +%s); end=$((start + seconds))
for c in $(seq "$clients"); do client "$c" "$end" & pids+=($!); done

failures=0 worst_expired=0 kills=0 rss_first="" rss_last="" rss_times=() rss_values=() request_counts=()
next_kill=$((start + kill_every)) next_sample=$start victim=0
while (( $(date +%s) < end )); do
  now=$(date +%s)
  if (( now >= next_sample )); then
    rss_last=$(rss_kib "$hub_pid"); rss_first=${rss_first:-$rss_last}
    rss_times+=($((now - start))); rss_values+=("$rss_last")
    served=$( (cat "$dir"/client*.txt 2>/dev/null || true) | wc -l); request_counts+=("$served")
    listing=$(ledger escrows 2>&1 || true)
    open=$(echo "$listing" | tail -1 | awk '{print $1}')
    expired=$(echo "$listing" | grep -c EXPIRED || true)
    (( expired > worst_expired )) && worst_expired=$expired
    if verified=$(ledger verify 2>&1); then verdict=ok; else verdict="FAILED: $verified"; failures=$((failures + 1)); fi
    (( expired > 0 )) && failures=$((failures + 1))
    echo "soak t=$((now - start))s rss=${rss_last}KiB anon=$(anon_kib "$hub_pid")KiB requests=$served open_escrows=$open past_expiry=$expired verify=$verdict"
    next_sample=$((now + sample_every))
  fi
  if (( now >= next_kill )); then
    kill -9 "${worker_pid[$victim]}" 2>/dev/null || true
    wait "${worker_pid[$victim]}" 2>/dev/null || true
    echo "soak t=$((now - start))s kill -9 worker $victim"; kills=$((kills + 1))
    start_worker "$victim"
    victim=$((1 - victim)); next_kill=$((now + kill_every))
  fi
  sleep 1
done
for pid in "${pids[@]}"; do wait "$pid" || true; done
pids=()
elapsed=$(( $(date +%s) - start ))

# After the traffic: a graceful stop of the hub ends every escrow it holds (settled for the tokens
# delivered, or refunded) before it exits; then the books must verify.
kill -TERM "$hub_pid"; wait "$hub_pid" || true
left=$( (ledger escrows 2>/dev/null || true) | tail -1 | awk '{print $1}')
verified=$(ledger verify 2>&1) || { echo "soak: final verify FAILED: $verified"; failures=$((failures + 1)); }
[[ "$left" == 0 ]] || { echo "soak: $left escrows still open after the hub's graceful stop"; failures=$((failures + 1)); }
# Partial settlements: workers paid from signed chunk claims (cancelled streams, failovers).
partials=$( (ledger history soak --limit 10000 2>/dev/null || true) | grep -c ' partial_settle ' || true)

cat "$dir"/client*.txt > "$dir/all.txt"
total=$(wc -l < "$dir/all.txt")
bad=$(awk '$1 ~ /^5/ && $1 != 502 && $1 != 503 && $1 != 504' "$dir/all.txt" | wc -l)
(( bad > 0 )) && { echo "soak: $bad unexpected 5xx answers"; failures=$((failures + 1)); }
ok=$(awk '$1 == 200' "$dir/all.txt" | wc -l)
# The grid must have served: runs so far answered 99.7-100% with 200 while workers were killed.
(( total > 0 && ok * 10 >= total * 9 )) || { echo "soak: only $ok of $total requests answered 200"; failures=$((failures + 1)); }
cancels=$(awk '$3 == "cancel"' "$dir/all.txt" | wc -l)
p50=$(awk '$1 == 200 && $3 != "cancel" {print $2}' "$dir/all.txt" | sort -n | awk '{a[NR]=$1} END {print (NR ? a[int(NR*0.5)+ (NR*0.5>int(NR*0.5))] : 0)}')
p99=$(awk '$1 == 200 && $3 != "cancel" {print $2}' "$dir/all.txt" | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<NR*0.99) i++; print (NR ? a[i] : 0)}')
per_hour() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN {printf "%.2f", (a > 0 && s > 0) ? (b - a) * 100.0 / a * 3600.0 / s : 0}'; }
growth=$(per_hour "$rss_first" "$rss_last" "$elapsed")
# The same over the last third of the samples: the hub's bounded caches (finished requests kept for
# late receipts, price and latency windows) fill during the first part of a run.
third=$(( ${#rss_values[@]} * 2 / 3 )); last=$(( ${#rss_values[@]} - 1 ))
late_growth=$(per_hour "${rss_values[$third]}" "${rss_values[$last]}" $(( rss_times[last] - rss_times[third] )))
# Bytes the hub grew by per request served over that last third (what a per-request leak costs).
late_per_request=$(awk -v a="${rss_values[$third]}" -v b="${rss_values[$last]}" \
                       -v n="$(( request_counts[last] - request_counts[third] ))" 'BEGIN {printf "%.0f", (n > 0) ? (b - a) * 1024.0 / n : 0}')
echo "soak: ${elapsed}s, $total requests ($ok answered 200), $(awk -v n="$total" -v s="$elapsed" 'BEGIN {printf "%.1f", n / s}') req/s," \
     "p50 ${p50}s p99 ${p99}s (whole and streamed), hub RSS ${rss_first} -> ${rss_last} KiB (${growth}%/hour extrapolated;" \
     "${late_growth}%/hour over the last third, from t=${rss_times[$third]}s: ${late_per_request} bytes per request)," \
     "worst open escrows past expiry $worst_expired, $partials partial settlements ($cancels streams cancelled," \
     "$kills workers killed), final: $(echo "$verified" | head -1)"
(( failures == 0 )) || { echo "soak: $failures invariant failures (logs in $dir)"; keep=1; exit 1; }
echo "soak: invariants held"
