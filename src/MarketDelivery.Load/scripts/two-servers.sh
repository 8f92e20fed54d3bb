# Sourced by the measurement scripts here: a durable PostgreSQL of its own (fsync on), the schema, and two clustered
# Release server processes on free loopback ports, waited for until both silos are active. Sets CS, A_PORT, B_PORT,
# A_PID, B_PID, SERVER, LOAD and WORK; stops everything it started when the calling script exits.
# Usage: CLUSTER_ID=name; source "$(dirname "$0")/two-servers.sh"   (from the repository root, after a Release build)
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
  ConnectionStrings__Postgres="$CS" ASPNETCORE_URLS="http://127.0.0.1:$2" ASPNETCORE_ENVIRONMENT=Development Dashboard__Enabled=false \
  Storage__MigrateOnStartup=false Orleans__ClusterId="${CLUSTER_ID:-measure}" Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) \
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
