#!/usr/bin/env bash
# The client-compatibility stage of test.sh: starts `outpost serve` from the Release build on free loopback ports,
# runs every suite listed in tests/compat/suites.txt against it, stops it with SIGTERM, and prints one line per suite:
#   compat <suite>: N passed, M failed, K skipped
# (plus `compat server: ...` for the server's own start/stop). test.sh sums exactly those lines.
#
# suites.txt: one suite per line, "<name> <shell command>"; blank lines and lines starting with # are ignored. The
# command runs in tests/compat with these variables set:
#   OUTPOST_URI   mongodb:// connection string of the running server     OUTPOST_HTTP  http://127.0.0.1:<http port>
#   OUTPOST_PORT / OUTPOST_HTTP_PORT   the two ports                      OUTPOST_DLL   path of outpost.dll (Release)
#   OUTPOST_REPO  repository root                                         OUTPOST_SPEC  ../shared/mongo-spec (if present)
# A suite reports by printing a closing line "N passed, M failed[, K skipped]" (the last such line counts). A suite
# that prints none, is killed by its time limit, or exits non-zero without reporting a failure counts as 1 failed.
#
# Environment knobs: COMPAT_SUITES="a b" runs only those suites; COMPAT_SUITE_TIMEOUT (seconds, default 900).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$repo/.test-tmp/compat"
mkdir -p "$work"
suite_timeout="${COMPAT_SUITE_TIMEOUT:-900}"

dll="$repo/src/Outpost.Server/bin/Release/net10.0/outpost.dll"
if [ ! -f "$dll" ]; then
  echo "[compat] $dll missing; building the server (Release)"
  dotnet build "$repo/src/Outpost.Server" -c Release -nologo -v q > "$work/build.log" 2>&1 || tail -n 40 "$work/build.log"
fi

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port=$(free_port); http_port=$(free_port)
while [ "$http_port" = "$port" ]; do http_port=$(free_port); done
data="$(mktemp -d "$work/data.XXXXXX")"
server_log="$work/server.log"

export OUTPOST_URI="mongodb://127.0.0.1:$port/"
export OUTPOST_HTTP="http://127.0.0.1:$http_port"
export OUTPOST_PORT="$port" OUTPOST_HTTP_PORT="$http_port" OUTPOST_DLL="$dll" OUTPOST_REPO="$repo"
[ -d "$repo/../shared/mongo-spec" ] && export OUTPOST_SPEC="$(cd "$repo/../shared/mongo-spec" && pwd)"

server_pass=0; server_fail=0
check() { if [ "$1" = ok ]; then server_pass=$((server_pass + 1)); echo "[compat] ok   $2"; else server_fail=$((server_fail + 1)); echo "[compat] FAIL $2"; fi; }

echo "[compat] starting: dotnet $dll serve --port $port --http-port $http_port --data $data --enable-test-commands"
dotnet "$dll" serve --port "$port" --http-port "$http_port" --data "$data" --enable-test-commands > "$server_log" 2>&1 &
server_pid=$!
stop_server() {
  if [ -n "${server_pid:-}" ] && kill -0 "$server_pid" 2> /dev/null; then kill -KILL "$server_pid" 2> /dev/null; fi
}
trap stop_server EXIT

ready=""
for _ in $(seq 1 120); do  # 60 s
  if grep -q "ready" "$server_log" 2> /dev/null; then ready=1; break; fi
  kill -0 "$server_pid" 2> /dev/null || break
  sleep 0.5
done
if [ -n "$ready" ]; then
  check ok "server printed a 'ready' line: $(grep -m1 ready "$server_log")"
else
  check fail "server did not print 'ready' within 60 s; its output:"
  tail -n 40 "$server_log"
fi

results=()
run_suite() {
  local name="$1" cmd="$2" log="$work/suite-$1.log"
  echo "[compat] == suite $name: $cmd"
  ( cd "$here" && timeout --kill-after=10 "$suite_timeout" bash -c "$cmd" ) < /dev/null 2>&1 | tee "$log" | sed -u "s/^/  [$name] /"
  local rc=${PIPESTATUS[0]}
  local line p=0 f=0 s=0
  line=$(grep -E '^[[:space:]]*[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?[[:space:]]*$' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=$(sed -E 's/^[[:space:]]*([0-9]+) passed.*/\1/' <<< "$line")
    f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<< "$line")
    s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<< "$line"); s=${s:-0}
  fi
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "[compat] suite $name was stopped by its ${suite_timeout}s time limit"; f=$((f + 1))
  elif [ -z "$line" ]; then
    echo "[compat] suite $name printed no 'N passed, M failed' line (exit code $rc): counted as failed"; f=$((f + 1))
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "[compat] suite $name exited with code $rc but reported no failure: counted as failed"; f=1
  fi
  results+=("compat $name: $p passed, $f failed, $s skipped")
}

if [ -f "$here/suites.txt" ]; then
  while IFS= read -r entry || [ -n "$entry" ]; do
    entry="${entry#"${entry%%[![:space:]]*}"}"
    [ -z "$entry" ] && continue
    [ "${entry:0:1}" = "#" ] && continue
    name="${entry%%[[:space:]]*}"; cmd="${entry#"$name"}"
    if [ -n "${COMPAT_SUITES:-}" ] && [[ " $COMPAT_SUITES " != *" $name "* ]]; then continue; fi
    run_suite "$name" "$cmd"
  done < "$here/suites.txt"
fi

# Graceful shutdown is part of the executable contract: SIGTERM must end the server with exit code 0 within 10 s.
if kill -0 "$server_pid" 2> /dev/null; then
  kill -TERM "$server_pid"
  stopped=""
  for _ in $(seq 1 40); do kill -0 "$server_pid" 2> /dev/null || { stopped=1; break; }; sleep 0.25; done
  if [ -n "$stopped" ]; then
    wait "$server_pid"; rc=$?
    if [ "$rc" -eq 0 ]; then check ok "server exited with code 0 after SIGTERM"; else check fail "server exited with code $rc after SIGTERM"; fi
  else
    check fail "server still running 10 s after SIGTERM; killing it"
    kill -KILL "$server_pid" 2> /dev/null
  fi
else
  wait "$server_pid" 2> /dev/null; rc=$?
  check fail "server exited by itself (code $rc) before the suites finished; its output:"
  tail -n 40 "$server_log"
fi
server_pid=""
rm -rf "$data"

echo "compat server: $server_pass passed, $server_fail failed, 0 skipped"
for r in "${results[@]}"; do echo "$r"; done
total_fail=$server_fail
for r in "${results[@]}"; do f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<< "$r"); total_fail=$((total_fail + f)); done
[ "$total_fail" -eq 0 ]
