#!/usr/bin/env bash
# Re-measures every benchmark goal the issues set, one after another on one build, each beside its same-run baseline,
# and keeps the whole output in one log (the "Goals at a glance" table in docs/performance.md is filled from it).
# Run it on a machine with nothing else running: the figures are ratios, but 2 shared cores still swing them.
#   bench/goals.sh [log file]          (about 7 minutes on 2 cores; it took 6 in session 5)
# Needs what the test suites need (`source scripts/test-deps.sh`: PostgreSQL for the nodes and PG rows, the Node.js
# driver in tests/compat/node_modules). Set SKIP="pg nodes" (names below) to leave steps out.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="${1:-$repo/.test-tmp/goals-$(date -u +%Y%m%dT%H%M).log}"
mkdir -p "$(dirname "$log")"

step() {
  local name="$1"; shift
  case " ${SKIP:-} " in *" $name "*) echo "== $name: skipped (SKIP)" | tee -a "$log"; return;; esac
  echo "== $name $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*" | tee -a "$log"
  "$@" 2>&1 | tee -a "$log"
}

# Every figure is taken on what we ship: ReadyToRun images from bench/publish.sh (R2R=0 for plain IL, for A/B runs).
# The same-run baselines run in the same images, so each comparison stays like for like.
echo "[goals] $(git -C "$repo" rev-parse --short HEAD) publishing Release images (ReadyToRun ${R2R:-1})" | tee "$log"
export BENCH_BIN="${BENCH_BIN:-$repo/.bench-bin}"
"$repo/bench/publish.sh" "$BENCH_BIN" > /dev/null || { echo "[goals] publish failed"; exit 1; }
bench="$BENCH_BIN/benchmarks/Outpost.Benchmarks.dll"
shop="$BENCH_BIN/shopfloor-bench/Shopfloor.Bench.dll"
export OUTPOST_DLL="$BENCH_BIN/outpost/outpost.dll"   # the server the wire and nodes benchmarks start

step bson     dotnet "$bench" codec-check                      # issue 2: decode vs JsonDocument.Parse
step engine   dotnet "$bench" engine 100000 20000               # issue 4: insert / _id lookups / dashboard vs raw SQLite
step wire     env NO_BUILD=1 "$repo/bench/wire-vs-embedded.sh"  # issue 5: Node driver through the server vs embedded
step wire-threads env NO_BUILD=1 TRANSPORT=threads "$repo/bench/wire-vs-embedded.sh"  # the same, --transport threads
step wire-pipes env NO_BUILD=1 TRANSPORT=pipes "$repo/bench/wire-vs-embedded.sh"  # the same, --transport pipes
step sync     dotnet "$bench" sync 100000 10000 200             # issue 7: initial sync, push, latency vs raw local writes
# issue 7 again: the cold snapshot file twice more (one figure swings with the machine's dirty pages) and the push
# round three times in one process (the first round is the process's first: JIT and cold caches).
step sync-snapshot dotnet "$bench" sync 100000 10000 200 snapshot
step sync-snapshot2 dotnet "$bench" sync 100000 10000 200 snapshot
step sync-push dotnet "$bench" sync-push 20000 10000 3
step shop     dotnet "$shop" --photos 100000 --runs 3  # issue 8
# issue 8's insertMany again, in steady state (median of 30 after 2 warm-ups, beside the bare collection): the run above
# is a fresh process whose first batches are mostly JIT tiering (docs/performance.md, s4-shopval).
step shop-insert dotnet "$shop" --insert-profile 30
step shop-insert-cold dotnet "$shop" --insert-profile 3    # the same, median of the 3 rounds after 2 warm-ups: near-cold
if [ -n "${OUTPOST_TEST_POSTGRES:-}" ]; then
  step nodes  node "$repo/bench/nodes/throughput.mjs" --nodes 1,2,4 --workers 16 --seconds 8   # issue 6
else
  echo "== nodes: skipped (OUTPOST_TEST_POSTGRES is not set; source scripts/test-deps.sh)" | tee -a "$log"
fi

echo "[goals] done $(date -u +%H:%M:%S); log: $log"
