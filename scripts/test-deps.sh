#!/usr/bin/env bash
# Installs what the test suites need and starts the services they use. Sourced by test.sh, so it never `exit`s:
# every failure is a warning and the affected tests skip with a reason (the PostgreSQL tests skip when
# OUTPOST_TEST_POSTGRES is unset). Idempotent and quick when everything is already in place.
#
# After sourcing:
#   OUTPOST_TEST_POSTGRES       Npgsql connection string of a private cluster (unset when none could be started)
#   OUTPOST_TEST_POSTGRES_URL   the same as a postgresql:// URL (what `outpost serve --storage` takes)
#   OUTPOST_TEST_PYTHON         the Debian python3 that has pymongo
#   outpost_test_deps_cleanup   function that stops what this script started; test.sh calls it from its EXIT trap
#
# Standalone use (keeps the cluster running until you call the cleanup):  source scripts/test-deps.sh

_otd_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_otd_tmp="$_otd_root/.test-tmp"
_otd_pg_port="${OUTPOST_TEST_PG_PORT:-55432}"  # overridable to test the start path beside another cluster
_otd_pg_started=""
mkdir -p "$_otd_tmp"

_otd_say() { echo "[test-deps] $*"; }
_otd_warn() { echo "[test-deps] WARNING: $*" >&2; }

# --- Debian packages -------------------------------------------------------------------------------------------------
_otd_apt_updated=""
_otd_apt_install() {
  # Installs the given packages; apt-get update runs at most once per run.
  if [ "$(id -u)" != "0" ]; then
    _otd_warn "not root: cannot install $* (install them with apt-get, or the tests that need them will skip)"
    return 1
  fi
  if [ -z "$_otd_apt_updated" ]; then
    _otd_say "apt-get update"
    if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq > "$_otd_tmp/apt-update.log" 2>&1; then
      _otd_warn "apt-get update failed (see $_otd_tmp/apt-update.log)"
    fi
    _otd_apt_updated=1
  fi
  _otd_say "apt-get install $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" > "$_otd_tmp/apt-install.log" 2>&1; then
    _otd_warn "apt-get install $* failed (see $_otd_tmp/apt-install.log)"
    return 1
  fi
}

_otd_missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || _otd_missing+=(postgresql-15)
command -v pg_isready > /dev/null 2>&1 || _otd_missing+=(postgresql-client-15)
command -v runuser > /dev/null 2>&1 || _otd_missing+=(util-linux)
# Debian's python3 (not a pyenv or venv one earlier on PATH) is the one python3-pymongo installs into.
/usr/bin/python3 -c "import pymongo" > /dev/null 2>&1 || _otd_missing+=(python3-pymongo)
# Debian 12 ships GridFS for Python as its own package.
/usr/bin/python3 -c "import gridfs" > /dev/null 2>&1 || _otd_missing+=(python3-gridfs)
# pymongo's zstd wire compressor needs the zstandard module (the server side uses the system's libzstd1).
/usr/bin/python3 -c "import zstandard" > /dev/null 2>&1 || _otd_missing+=(python3-zstandard)
# The Shopfloor dashboard suite drives Debian's Chromium through playwright-core (no browser download).
[ -x /usr/bin/chromium ] || _otd_missing+=(chromium)
if [ ${#_otd_missing[@]} -gt 0 ]; then
  _otd_apt_install "${_otd_missing[@]}" || true
else
  _otd_say "Debian packages present (postgresql-15, python3-pymongo, python3-gridfs, python3-zstandard, chromium)"
fi

# --- Node packages of the compatibility tests --------------------------------------------------------------------------
_otd_npm() {
  local dir="$_otd_root/tests/compat"
  [ -f "$dir/package.json" ] || return 0
  if ! command -v npm > /dev/null 2>&1; then
    _otd_warn "npm not found: the Node.js compatibility suites will fail"
    return 0
  fi
  # node_modules is fresh when npm's own record of the install is newer than the manifest and the lock file.
  local stamp="$dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package.json" ] && { [ ! -f "$dir/package-lock.json" ] || [ "$stamp" -nt "$dir/package-lock.json" ]; }; then
    _otd_say "tests/compat/node_modules up to date"
    return 0
  fi
  local cmd=(npm install --no-audit --no-fund)
  [ -f "$dir/package-lock.json" ] && cmd=(npm ci --no-audit --no-fund)
  _otd_say "${cmd[*]} (tests/compat)"
  if ! (cd "$dir" && "${cmd[@]}") > "$_otd_tmp/npm.log" 2>&1; then
    _otd_warn "${cmd[*]} failed (see $_otd_tmp/npm.log):"
    tail -n 20 "$_otd_tmp/npm.log" >&2
  fi
}
_otd_npm

# --- Private PostgreSQL cluster ----------------------------------------------------------------------------------------
_otd_pg_ready() { pg_isready -q -h 127.0.0.1 -p "$_otd_pg_port" -t 2 > /dev/null 2>&1; }

_otd_pg_start() {
  local bin=/usr/lib/postgresql/15/bin dir="$_otd_tmp/pg"
  if ! command -v pg_isready > /dev/null 2>&1; then
    _otd_warn "pg_isready not found: PostgreSQL tests will skip"
    return 1
  fi
  if _otd_pg_ready; then
    _otd_say "PostgreSQL already accepts connections on 127.0.0.1:$_otd_pg_port; reusing it"
  else
    if [ ! -x "$bin/initdb" ]; then
      _otd_warn "PostgreSQL 15 is not installed: PostgreSQL tests will skip"
      return 1
    fi
    if [ "$(id -u)" != "0" ]; then
      _otd_warn "not root: cannot run a cluster as the postgres user; PostgreSQL tests will skip"
      return 1
    fi
    if ! id postgres > /dev/null 2>&1; then
      _otd_warn "no postgres system user: PostgreSQL tests will skip"
      return 1
    fi
    # The cluster must live where the postgres user can reach it: make the path traversable.
    mkdir -p "$dir"
    chmod o+x "$_otd_root" "$_otd_tmp" 2> /dev/null || true
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      _otd_say "initdb $dir/data"
      rm -rf "$dir/data"
      if ! runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync > "$_otd_tmp/pg-initdb.log" 2>&1; then
        _otd_warn "initdb failed (see $_otd_tmp/pg-initdb.log): PostgreSQL tests will skip"
        return 1
      fi
    fi
    # A previous run killed hard leaves a stale pid file; pg_ctl start handles it, but a live foreign postmaster won't be reused.
    _otd_say "starting PostgreSQL on 127.0.0.1:$_otd_pg_port (data $dir/data)"
    if ! runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -p $_otd_pg_port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
         start > "$_otd_tmp/pg-start.log" 2>&1; then
      _otd_warn "pg_ctl start failed (see $_otd_tmp/pg-start.log and $dir/server.log): PostgreSQL tests will skip"
      tail -n 10 "$dir/server.log" >&2 2> /dev/null
      return 1
    fi
    _otd_pg_started="$dir/data"
    local i
    for i in $(seq 1 30); do _otd_pg_ready && break; sleep 1; done
    if ! _otd_pg_ready; then
      _otd_warn "PostgreSQL did not accept connections within 30 s: PostgreSQL tests will skip"
      return 1
    fi
  fi
  if ! psql -h 127.0.0.1 -p "$_otd_pg_port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='outpost_test'" 2> "$_otd_tmp/pg-psql.log" | grep -q 1; then
    if ! psql -h 127.0.0.1 -p "$_otd_pg_port" -U postgres -d postgres -qc "CREATE DATABASE outpost_test" >> "$_otd_tmp/pg-psql.log" 2>&1; then
      _otd_warn "could not create database outpost_test (see $_otd_tmp/pg-psql.log): PostgreSQL tests will skip"
      return 1
    fi
  fi
  export OUTPOST_TEST_POSTGRES="Host=127.0.0.1;Port=$_otd_pg_port;Username=postgres;Database=outpost_test"
  export OUTPOST_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$_otd_pg_port/outpost_test"
  _otd_say "OUTPOST_TEST_POSTGRES=$OUTPOST_TEST_POSTGRES"
}

# The interpreter the pymongo suite runs with.
[ -x /usr/bin/python3 ] && export OUTPOST_TEST_PYTHON=/usr/bin/python3

unset OUTPOST_TEST_POSTGRES OUTPOST_TEST_POSTGRES_URL
_otd_pg_start || true

# Stops what this script started (a reused cluster is left alone). Safe to call twice.
outpost_test_deps_cleanup() {
  if [ -n "$_otd_pg_started" ]; then
    echo "[test-deps] stopping PostgreSQL ($_otd_pg_started)"
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$_otd_pg_started" -m fast -w -t 30 stop > /dev/null 2>&1 || true
    _otd_pg_started=""
  fi
}
