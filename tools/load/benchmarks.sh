#!/usr/bin/env bash
# The runs behind BENCHMARKS.md: the echo ceiling (kompas-load's own in-process echo server)
# at concurrency 1, 8 and 64 and one open-loop rate, then the same Echo through
# kompas-testserver (token check + one JSON log line per call) at concurrency 8 and 64.
#
#   tools/load/benchmarks.sh [--build=build/release] [--repeat=3] [--out=FILE.jsonl]
#
# Each run is 2 s warm-up + 5 s measured. Every configuration runs --repeat times; the table
# shows the run with the median QPS (and the QPS range). The raw JSON of every run (with the
# testserver's CPU added as server_cpu_cores) goes to --out. Client and server share the
# machine's cores, so other work distorts the figures: before each run the script waits (up
# to 5 min) until the machine is idle, and a run during which other processes used more than
# 0.15 cores is repeated (up to 5 attempts; other_cpu_cores in the JSON says how clean it was).
# Needs jq.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=build/release
repeat=3
out=""
for arg in "$@"; do
  case "$arg" in
    --build=*) build="${arg#*=}" ;;
    --repeat=*) repeat="${arg#*=}" ;;
    --out=*) out="${arg#*=}" ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "benchmarks.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
command -v jq >/dev/null || { echo "benchmarks.sh: needs jq (apt-get install jq)" >&2; exit 2; }
load="$build/tools/load/kompas-load"
admin="$build/tools/admin/kompas-admin"
testserver="$build/tests/testserver/kompas-testserver"
for bin in "$load" "$admin" "$testserver"; do
  [[ -x "$bin" ]] || { echo "benchmarks.sh: $bin not built" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/kompas-bench.XXXXXX)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
[[ -n "$out" ]] || out="$dir/runs.jsonl"
: >"$out"

"$admin" token create --tokens_file="$dir/tokens" --tenant=bench --scopes=compass \
  >"$dir/token" 2>/dev/null
"$testserver" --listen=127.0.0.1:0 --tokens_file="$dir/tokens" 2>"$dir/server.log" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -m1 '"event":"listening"' "$dir/server.log" | jq -r .port 2>/dev/null || true)
  [[ -n "$port" && "$port" != null ]] && break
  sleep 0.1
done
[[ -n "$port" && "$port" != null ]] || { echo "benchmarks.sh: testserver did not start" >&2; cat "$dir/server.log" >&2; exit 1; }

# Idle share of all cores over one second, in percent.
idle_percent() {
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $(( (b[4] - a[4] + b[5] - a[5]) * 100 / (total > 0 ? total : 1) ))
}

# Waits (up to KOMPAS_BENCH_QUIET_WAIT seconds, default 300) until the machine is >= 90% idle:
# other builds and tests on the same cores distort every figure.
wait_quiet() {
  local deadline=$((SECONDS + ${KOMPAS_BENCH_QUIET_WAIT:-300}))
  while ((SECONDS < deadline)); do
    (($(idle_percent) >= 90)) && return 0
  done
  echo "benchmarks.sh: the machine is busy (idle $(idle_percent)%); measuring anyway" >&2
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# per_second TICKS HZ T0 T1: cores used, from clock ticks over the wall time T0..T1.
per_second() { awk "BEGIN { printf \"%.4f\", ($1) / $2 / ($4 - $3) }"; }

# Busy (non-idle) jiffies of all cores so far.
busy_jiffies() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# Sets CHILD_CPU to the CPU seconds (user + system) of this shell's finished children, from
# the `times` builtin (run in this shell, not in $(...), so that it sees this shell's children).
children_cpu() {
  times >"$dir/times"
  CHILD_CPU=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] }
                 printf "%.3f", t }' "$dir/times")
}

# run LABEL ARGS...: one kompas-load run, its JSON line appended to $out with: label,
# server_cpu_cores (the testserver's CPU over the run; external runs only), other_cpu_cores
# (CPU used by anything but kompas-load and the testserver) and attempts. A run during which
# something else used more than 0.15 cores is thrown away and repeated (up to 5 attempts).
run() {
  local label="$1"; shift
  local attempt t0 t1 c0 c1 b0 b1 k0 k1 hz other
  hz=$(getconf CLK_TCK)
  for attempt in 1 2 3 4 5; do
    wait_quiet
    c0=$(cpu_ticks "$server_pid"); b0=$(busy_jiffies); children_cpu; k0=$CHILD_CPU; t0=$(date +%s.%N)
    "$load" --warmup=2s --duration=5s --json "$@" >"$dir/run.json" || true
    t1=$(date +%s.%N); children_cpu; k1=$CHILD_CPU; c1=$(cpu_ticks "$server_pid"); b1=$(busy_jiffies)
    other=$(awk "BEGIN { printf \"%.2f\", (($b1 - $b0 - $c1 + $c0) / $hz - ($k1 - $k0)) / ($t1 - $t0) }")
    if awk "BEGIN { exit !($other <= 0.15) }" || ((attempt == 5)); then break; fi
    echo "benchmarks.sh: $label: other processes used $other cores; again" >&2
  done
  jq -c --arg name "$label" --argjson attempts "$attempt" --argjson other "$other" \
    --argjson server "$(per_second "$c1 - $c0" "$hz" "$t0" "$t1")" \
    '. + {"label": $name, "attempts": $attempts, "other_cpu_cores": $other,
          "server_cpu_cores": (if .server == "external" then ($server * 100 | round / 100) else null end)}' \
    "$dir/run.json" >>"$out"
  tail -n1 "$out" | jq -r '"\(.label): \(.qps) QPS, p50 \(.latency_us.p50) µs, errors \(.errors), other CPU \(.other_cpu_cores)"' >&2
}

for i in $(seq 1 "$repeat"); do
  run "echo ceiling, c=1" --concurrency=1
  run "echo ceiling, c=8" --concurrency=8
  run "echo ceiling, c=64" --concurrency=64
  run "echo ceiling, open loop 10000/s" --rate=10000
  run "testserver, c=8" --target="127.0.0.1:$port" --token_file="$dir/token" --concurrency=8
  run "testserver, c=64" --target="127.0.0.1:$port" --token_file="$dir/token" --concurrency=64
done

echo "| run | QPS (median; range) | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | errors | CPU cores: kompas-load / testserver / other |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
jq -s -r '
  group_by(.label) | sort_by(.[0].label | (
      if test("c=1$") then 0 elif test("c=8$") and test("echo") then 1 elif test("c=64$") and test("echo") then 2
      elif test("open") then 3 elif test("c=8$") then 4 else 5 end)) | .[] |
  (sort_by(.qps)) as $runs | $runs[(($runs | length) / 2 | floor)] as $m |
  "| \($m.label) | \($m.qps | round) (\($runs[0].qps | round)–\($runs[-1].qps | round)) | \($m.latency_us.p50) | \($m.latency_us.p90) | \($m.latency_us.p99) | \($m.latency_us.p999) | \($m.latency_us.max) | \([$m.errors[]] | add // 0)\(if $m.dropped > 0 then " (+\($m.dropped) dropped)" else "" end) | \($m.process_cpu_cores) / \($m.server_cpu_cores // "(in-process)") / \($m.other_cpu_cores) |"' \
  "$out"
lines=$(wc -l <"$dir/server.log")
echo "testserver log: $lines lines ($(du -h "$dir/server.log" | cut -f1)) for the calls above" >&2
