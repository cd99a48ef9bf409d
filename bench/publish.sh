#!/usr/bin/env bash
# Publishes what we ship and measure — the server (`outpost`), the benchmark programs and the Shopfloor benchmark — as
# ReadyToRun images (ahead-of-time compiled native code beside the IL; tiered JIT still recompiles hot methods), the
# way .NET and ASP.NET Core themselves ship. A fresh process then starts on native code instead of JIT-compiling
# every method on first call, which is what the benchmarks' first rounds used to measure (docs/performance.md
# "Start-up and JIT").
#   bench/publish.sh [output dir]        default: .bench-bin in the repository (git-ignored)
#   R2R=0 bench/publish.sh               the same programs without ReadyToRun (plain IL, for A/B runs)
# Prints the directory; bench/goals.sh and bench/wire-vs-embedded.sh use it through BENCH_BIN.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/.bench-bin}"
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64|arm64) rid=linux-arm64 ;;
  *) echo "[publish] unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
r2r="${R2R:-1}"
[ "$r2r" = 1 ] && r2r_flag=true || r2r_flag=false
mkdir -p "$out"
for entry in "outpost:src/Outpost.Server" "benchmarks:bench/Outpost.Benchmarks" "shopfloor-bench:bench/Shopfloor.Bench"; do
  name="${entry%%:*}" project="${entry#*:}"
  echo "[publish] $project -> $out/$name (ReadyToRun $r2r_flag, $rid)" >&2
  start=$SECONDS
  dotnet publish "$repo/$project" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=$r2r_flag \
    -o "$out/$name" -nologo -v q > "$out/$name.publish.log" 2>&1 || { tail -n 30 "$out/$name.publish.log" >&2; exit 1; }
  echo "[publish]   done in $((SECONDS - start)) s" >&2
done
echo "$out"
