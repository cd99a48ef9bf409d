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
if [ -x scripts/test-deps.sh ]; then
  # shellcheck source=/dev/null
  source scripts/test-deps.sh
fi

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
if [ -x tests/compat/run.sh ]; then
  echo "== compatibility suites"
  tests/compat/run.sh 2>&1 | tee "$logs/compat.log"
  while read -r p f s; do add "$p" "$f" "${s:-0}"; done < <(
    sed -nE 's/^(compat[^:]*: )?([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\2 \3 \5/p' "$logs/compat.log")
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
