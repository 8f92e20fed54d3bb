#!/usr/bin/env bash
# Runs every test of the repository, the way CI does.
# Starts a throwaway PostgreSQL from the local binaries, applies the schema with the server's migrate step,
# builds with warnings as errors, runs all test projects, and stops PostgreSQL even when something fails.
# Last line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin); install the 'postgresql' package." >&2
  exit 1
fi

PGTMP=$(mktemp -d)
RUN=()
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; RUN=(runuser -u postgres --); fi
LOG="$ROOT/TestResults/test-run.log"
mkdir -p "$ROOT/TestResults"

cleanup() {
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PORT=$(free_port)
(cd "$PGTMP" && "${RUN[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null)
# fsync off: test data is thrown away; durability is proven by restarts against a running server, not by crashes of it.
(cd "$PGTMP" && "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGTMP -c fsync=off -c synchronous_commit=off -c max_connections=300" start >/dev/null)
psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE marketdelivery" >/dev/null
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build MarketDelivery.sln -c Debug --nologo -v q -clp:NoSummary

CONNECTION="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=marketdelivery"
dotnet src/MarketDelivery.Server/bin/Debug/net10.0/MarketDelivery.Server.dll migrate --postgres "$CONNECTION"
# The tests create a fresh database per test class on this server (see PostgresTestDatabase).
export MARKETDELIVERY_TEST_POSTGRES="$CONNECTION"

# One test assembly at a time: two cores are shared by Orleans clusters, Kestrel and OR-Tools solves.
set +e
dotnet test MarketDelivery.sln --no-build -m:1 --nologo 2>&1 | tee "$LOG"
STATUS=${PIPESTATUS[0]}
set -e

read -r PASSED FAILED < <(grep -E '^(Passed|Failed)!' "$LOG" | awk -F'[:,]' '
  { for (i = 1; i <= NF; i++) { if ($i ~ /Failed$/) f += $(i+1); if ($i ~ /Passed$/) p += $(i+1) } }
  END { print p + 0, f + 0 }')
if [ "$STATUS" -ne 0 ] && [ "$FAILED" -eq 0 ]; then FAILED=1; fi   # a crashed test host reports no count
echo "$PASSED passed, $FAILED failed"
exit "$STATUS"
