#!/usr/bin/env bash
# Push benchmark: two clustered server processes on one durable PostgreSQL (fsync on), then `MarketDelivery.Load push`
# with its SignalR clients split across both servers and orders placed through both in turn.
# Prints the benchmark's output (last line PUSH clients= p50_ms= p95_ms= p99_ms= lost=). Stops everything it started.
# Usage, from the repository root after `dotnet build -c Release src/MarketDelivery.Server src/MarketDelivery.Load`:
#   bash src/MarketDelivery.Load/scripts/push.sh [clients=1000] [orders=200] [rate=20]
set -euo pipefail
CLIENTS=${1:-1000}; ORDERS=${2:-200}; RATE=${3:-20}
ROOT=$(pwd)
SERVER="$ROOT/src/MarketDelivery.Server/bin/Release/net10.0/MarketDelivery.Server.dll"
LOAD="$ROOT/src/MarketDelivery.Load/bin/Release/net10.0/MarketDelivery.Load.dll"
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
WORK=$(mktemp -d)
RUN=(); if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$WORK"; RUN=(runuser -u postgres --); fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  (cd "$WORK" && "${RUN[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1) || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PGPORT=$(free_port)
(cd "$WORK" && "${RUN[@]}" "$PGBIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null)
(cd "$WORK" && "${RUN[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/pg.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK -c max_connections=300" start >/dev/null)
psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE marketdelivery"
CS="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=marketdelivery"
dotnet "$SERVER" migrate --postgres "$CS" >/dev/null

start_server() { # name http_port
  ConnectionStrings__Postgres="$CS" ASPNETCORE_URLS="http://127.0.0.1:$2" ASPNETCORE_ENVIRONMENT=Production \
  Storage__MigrateOnStartup=false Orleans__ClusterId=push Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) \
    dotnet "$SERVER" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
A_PORT=$(free_port); B_PORT=$(free_port)
start_server a "$A_PORT"
start_server b "$B_PORT"
for port in "$A_PORT" "$B_PORT"; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
done
until [ "$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d marketdelivery -tAc 'SELECT count(*) FROM md_membership WHERE status = 3')" = 2 ]; do sleep 0.5; done
echo "two silos active; $CLIENTS clients, $ORDERS orders at $RATE/s" >&2

set +e
dotnet "$LOAD" push --base "http://127.0.0.1:$A_PORT" --base "http://127.0.0.1:$B_PORT" \
  --clients "$CLIENTS" --orders "$ORDERS" --rate "$RATE"
STATUS=$?
set -e
grep -ci "push of" "$WORK/a.log" "$WORK/b.log" | sed 's/^/push failures logged: /' >&2 || true
exit "$STATUS"
