#!/usr/bin/env bash
# Wire vs embedded: the same load through the Node.js driver against `outpost serve` (bench/wire-load/load.mjs) and
# through the embedded C# engine API (`Outpost.Benchmarks embedded-load`), in one run, then the ratio
# wire docs/s ÷ embedded docs/s per workload. Goal (issue 5): ratio ≥ 0.75, i.e. the wire layer costs < 25%.
#   bench/wire-vs-embedded.sh [docs=100000] [batch=1000] [lookups=20000] [clients=16]
# Exit status 1 when a ratio misses the goal (or a figure is missing). Set NO_BUILD=1 to skip the Release builds. Needs tests/compat/node_modules (`source scripts/test-deps.sh`).
# TRANSPORT=pipes|threads runs the server with that `--transport` (default auto, the server's default).
# PROCESSES=P spreads the find clients over P Node processes (default 1). Also printed, not part of the exit status: CPU
# per operation of the server process (from /proc), of the Node client and of the embedded process, and the wire layer's
# own cost = (server CPU per op - embedded CPU per op) / embedded CPU per op (goal < 0.25), without the driver's work.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docs="${1:-100000}" batch="${2:-1000}" lookups="${3:-20000}" clients="${4:-16}"
limit="${TIME_LIMIT:-600}"  # seconds, per half
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# BENCH_BIN (set by bench/goals.sh; made by bench/publish.sh) runs the published ReadyToRun images instead of the build output.
if [ -n "${BENCH_BIN:-}" ]; then
  embedded_dll="$BENCH_BIN/benchmarks/Outpost.Benchmarks.dll" server_dll="$BENCH_BIN/outpost/outpost.dll"
else
  embedded_dll="$repo/bench/Outpost.Benchmarks/bin/Release/net10.0/Outpost.Benchmarks.dll" server_dll="$repo/src/Outpost.Server/bin/Release/net10.0/outpost.dll"
fi

if [ -z "${NO_BUILD:-}" ] && [ -z "${BENCH_BIN:-}" ]; then
  echo "[wire-vs-embedded] building Release (server, benchmarks)"
  dotnet build "$repo/src/Outpost.Server" -c Release -nologo -v q > "$out/build.log" 2>&1 || { tail -n 30 "$out/build.log"; exit 1; }
  dotnet build "$repo/bench/Outpost.Benchmarks" -c Release -nologo -v q > "$out/build.log" 2>&1 || { tail -n 30 "$out/build.log"; exit 1; }
fi

echo "[wire-vs-embedded] $(date -u +%FT%TZ) docs=$docs batch=$batch lookups=$lookups clients=$clients transport=${TRANSPORT:-auto}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$embedded_dll" embedded-load "$docs" "$batch" "$lookups" "$clients" "$limit" | tee "$out/embedded.txt"
node "$repo/bench/wire-load/load.mjs" --dll "$server_dll" --docs "$docs" --batch "$batch" --lookups "$lookups" --clients "$clients" --time-limit "$limit" --processes "${PROCESSES:-1}" --transport "${TRANSPORT:-auto}" | tee "$out/wire.txt"

echo "[wire-vs-embedded] ratio = wire docs/s / embedded docs/s (goal >= 0.75); load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores, ${PROCESSES:-1} Node load process(es)"
cat "$out/embedded.txt" "$out/wire.txt" | awk '
  $1 == "RESULT" { rate[$2 "/" $3] = $4; seen[$3] = 1 }
  $1 == "CPU" && $2 == "embedded" { cpuE[$3] = $4 }
  $1 == "CPU" && $2 == "wire" { cpuS[$3] = $5; cpuC[$3] = $7 }
  END {
    missed = 0
    for (w in seen) {
      e = rate["embedded/" w]; x = rate["wire/" w]
      if (e == "" || x == "") { printf "%-7s missing a figure\n", w; missed = 1; continue }
      r = x / e
      printf "%-7s wire %10.0f docs/s  embedded %10.0f docs/s  ratio %.2f  %s\n", w, x, e, r, (r >= 0.75 ? "goal met" : "GOAL MISSED")
      if (r < 0.75) missed = 1
    }
    # The cost of the wire layer itself: what the server process spends per operation beyond what the embedded engine
    # spends on the same operation, relative to the embedded figure (goal < 0.25). The Node client CPU is the work of
    # the driver, shown beside it: on a 2-core host it competes with the server for the same cores.
    for (w in cpuE) if (cpuS[w] != "" && cpuS[w] + 0 > 0 && cpuE[w] + 0 > 0)
      printf "%-7s CPU per op: server %.1f us, Node client %.1f us, embedded %.1f us; wire layer cost (server - embedded) / embedded = %+.2f %s\n",
        w, cpuS[w], cpuC[w], cpuE[w], (cpuS[w] - cpuE[w]) / cpuE[w], ((cpuS[w] - cpuE[w]) / cpuE[w] < 0.25 ? "(goal < 0.25 met)" : "(goal < 0.25 missed)")
    exit missed
  }'
