#!/usr/bin/env bash
# idle_cpu.sh: CPU used by an idle `infergrid up` (issue 13's benchmark "idle CPU of infergrid up
# over 30 s"). Starts the all-in-one grid on free ports in a scratch directory, waits until its
# HTTP API answers and the start-up work has settled, then reads utime+stime from /proc/PID/stat
# before and after N seconds and prints the process's CPU as a percentage of one core, with the
# threads that woke most (actor threads carry their actor's name) and their CPU.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/idle_cpu.sh [--seconds N] [--settle S] [--binary PATH] [--config PATH] [--threads K]

Prints the idle CPU of `infergrid up` as % of one core over N seconds, then the K busiest threads.
  --seconds N    measured window (default 30)
  --settle S     seconds to wait after the HTTP API answers, before measuring (default 10)
  --binary PATH  infergrid binary (default build/actors/cli/infergrid)
  --config PATH  node config (default deploy/all-in-one.yaml); its ports 7400/7410/8080 are moved
                 to free ones and its relative paths made absolute, so it runs beside other grids
  --threads K    threads listed (default 8)
The grid runs in a scratch directory (its ledger and validator keys are thrown away) and is
stopped with SIGTERM at the end. Needs Linux /proc and python3 (to pick free ports).
EOF
}

root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=30
settle=10
binary="$root/build/actors/cli/infergrid"
config="$root/deploy/all-in-one.yaml"
threads=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --settle) settle="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "idle_cpu.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ -x "$binary" ]] || { echo "idle_cpu.sh: no executable at $binary (build the infergrid target, or pass --binary)" >&2; exit 2; }
[[ -f "$config" ]] || { echo "idle_cpu.sh: no config at $config" >&2; exit 2; }

scratch="$(mktemp -d /tmp/idle_cpu.XXXXXX)"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

read -r node_port gateway_port http_port < <(python3 - <<'EOF'
import socket
held = []
for _ in range(3):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); held.append(s)
print(*[s.getsockname()[1] for s in held])
EOF
)
config_dir="$(cd "$(dirname "$config")" && pwd)"
sed -e "s#127.0.0.1:7400#127.0.0.1:$node_port#g" -e "s#127.0.0.1:7410#127.0.0.1:$gateway_port#g" \
    -e "s#127.0.0.1:8080#127.0.0.1:$http_port#g" \
    -e "s#\([ :\[{]\)deploy/#\1$root/deploy/#g" "$config" > "$scratch/grid.yaml"

(cd "$scratch" && exec "$binary" up --config "$scratch/grid.yaml" > "$scratch/grid.log" 2>&1) &
pid=$!
for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$http_port/health" 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { echo "idle_cpu.sh: the grid exited while starting; its log:" >&2; tail -20 "$scratch/grid.log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$http_port/health" || { echo "idle_cpu.sh: no /health after 60 s" >&2; exit 1; }
sleep "$settle"

python3 - "$pid" "$seconds" "$threads" "$binary" "$config" <<'EOF'
import os, sys, time
pid, seconds, top = (int(x) for x in sys.argv[1:4])
binary, config = sys.argv[4:6]
hz = os.sysconf("SC_CLK_TCK")

def ticks(stat_path):
    # utime + stime: fields 14 and 15; the name in field 2 may hold spaces, so split after ')'.
    with open(stat_path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])

def threads():
    rows = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        base = f"/proc/{pid}/task/{tid}"
        try:
            with open(f"{base}/comm") as f:
                name = f.read().strip()
            with open(f"{base}/status") as f:
                switches = sum(int(l.split()[1]) for l in f if "ctxt_switches" in l)
            rows[tid] = (ticks(f"{base}/stat"), switches, name)
        except OSError:
            pass  # a thread that ended meanwhile
    return rows

t0, b, p0 = time.monotonic(), threads(), ticks(f"/proc/{pid}/stat")
time.sleep(seconds)
t1, a, p1 = time.monotonic(), threads(), ticks(f"/proc/{pid}/stat")
wall_s = t1 - t0
cpu_s = (p1 - p0) / hz
print(f"binary: {binary}")
print(f"config: {config} (ports moved, scratch directory)")
print(f"idle CPU of infergrid up over {wall_s:.1f} s: {100 * cpu_s / wall_s:.2f}% of one core "
      f"({cpu_s:.2f} CPU s, clock tick {1000 / hz:.0f} ms)")
rows = []
for tid, (t, s, name) in a.items():
    t_before, s_before, _ = b.get(tid, (0, 0, name))
    rows.append(((t - t_before) / hz, (s - s_before) / wall_s, name, tid))
rows.sort(key=lambda r: (r[1], r[0]), reverse=True)
print(f"threads: {len(a)}; the {min(top, len(rows))} that woke most (CPU % of one core, wake-ups/s = context switches/s):")
for cpu, wakes, name, tid in rows[:top]:
    print(f"  {name:<16} tid {tid:<8} {100 * cpu / wall_s:6.2f}%  {wakes:8.1f} wake-ups/s")
print(f"all threads: {sum(r[1] for r in rows):.1f} wake-ups/s")
EOF
kill -0 "$pid" 2>/dev/null || { echo "idle_cpu.sh: the grid exited during the measurement" >&2; exit 1; }
