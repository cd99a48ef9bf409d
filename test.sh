#!/usr/bin/env bash
# Runs every test suite of Outpost and ends with one line totalling them: "N passed, M failed, K skipped".
# Installs what the tests need first (see scripts/test-deps.sh), so it works on a fresh machine.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
logs="$root/.test-tmp/logs"
rm -rf "$logs"; mkdir -p "$logs"

passed=0; failed=0; skipped=0
add() { passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + $3)); }

# Dependencies (Node packages, PostgreSQL, pymongo) and background services (PostgreSQL on a private port).
if [ -f scripts/test-deps.sh ]; then
  # shellcheck source=/dev/null
  source scripts/test-deps.sh
fi
# Stop what test-deps started (the private PostgreSQL), however this script ends; chains any earlier trap.
_prev_exit_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
trap "${_prev_exit_trap:+$_prev_exit_trap; }if declare -F outpost_test_deps_cleanup > /dev/null; then outpost_test_deps_cleanup; fi" EXIT

echo "== building (Release)"
if ! dotnet build Outpost.sln -c Release -nologo -v q > "$logs/build.log" 2>&1; then
  tail -n 60 "$logs/build.log"
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== dotnet test"
dotnet test Outpost.sln -c Release --no-build -nologo 2>&1 | tee "$logs/dotnet-test.log" | grep -E "^(Passed!|Failed!)|\[FAIL\]|error" || true
while read -r f p s; do add "$p" "$f" "$s"; done < <(
  sed -nE 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/p' "$logs/dotnet-test.log")
# A test host that crashed prints no summary; count it as a failure.
crashes=$(grep -cE "Test Run Aborted|The active test run was aborted" "$logs/dotnet-test.log" || true)
add 0 "$crashes" 0

# Client compatibility suites (Node.js driver, Mongoose, pymongo, mongosh) against a running server.
if [ -f tests/compat/run.sh ]; then
  echo "== compatibility suites"
  bash tests/compat/run.sh 2>&1 | tee "$logs/compat.log"
  compat_rc=${PIPESTATUS[0]}
  # Only the per-suite summary lines "compat <suite>: N passed, M failed[, K skipped]" count (a suite's own closing
  # line is not repeated without the prefix, so nothing is counted twice).
  compat_lines=0
  while read -r p f s; do add "$p" "$f" "${s:-0}"; compat_lines=$((compat_lines + 1)); done < <(
    sed -nE 's/^compat [A-Za-z0-9_.-]+: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?[[:space:]]*$/\1 \2 \4/p' "$logs/compat.log")
  # The stage itself failing (server would not start or stop cleanly) counts even when no suite line says so.
  if [ "$compat_rc" -ne 0 ] && [ "$compat_lines" -eq 0 ]; then add 0 1 0; fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
