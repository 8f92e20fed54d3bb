#!/usr/bin/env bash
# Failover measurement: two clustered server processes on one durable PostgreSQL (fsync on), the load benchmark
# against server A, and `kill -9` of server B (half of the grains live there) some seconds into the run.
# Prints the benchmark's summary (failures by status, LOAD line). Everything runs on loopback and stops by itself.
# Usage, from the repository root after `dotnet build -c Release src/MarketDelivery.Server src/MarketDelivery.Load`:
#   bash src/MarketDelivery.Load/scripts/failover.sh [duration_s=40] [kill_after_s=15] [concurrency=32]
set -euo pipefail
DURATION=${1:-40}; KILL_AFTER=${2:-15}; CONCURRENCY=${3:-32}
ROOT=$(pwd)
SERVER="$ROOT/src/MarketDelivery.Server/bin/Release/net10.0/MarketDelivery.Server.dll"
LOAD="$ROOT/src/MarketDelivery.Load/bin/Release/net10.0/MarketDelivery.Load.dll"
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
WORK=$(mktemp -d)
RUN=(); if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$WORK"; RUN=(runuser -u postgres --); fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
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
  Storage__MigrateOnStartup=false Orleans__ClusterId=failover Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) \
    dotnet "$SERVER" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
A_PORT=$(free_port); B_PORT=$(free_port)
start_server a "$A_PORT"; A_PID=${PIDS[-1]}
start_server b "$B_PORT"; B_PID=${PIDS[-1]}
for port in "$A_PORT" "$B_PORT"; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
done
until [ "$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d marketdelivery -tAc 'SELECT count(*) FROM md_membership WHERE status = 3')" = 2 ]; do sleep 0.5; done
echo "two silos active; load on A for ${DURATION}s, kill -9 of B after ${KILL_AFTER}s" >&2

( sleep "$KILL_AFTER"; kill -9 "$B_PID"; echo "killed B at $(date +%T)" >&2 ) &
dotnet "$LOAD" --base "http://127.0.0.1:$A_PORT" --duration "$DURATION" --concurrency "$CONCURRENCY" \
  --confirm-fraction 0 --read-fraction 0 --report-every 1000 2>"$WORK/load.err"
