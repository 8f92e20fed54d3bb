#!/usr/bin/env bash
# Push benchmark: two clustered server processes on one durable PostgreSQL (fsync on), then `MarketDelivery.Load push`
# with its SignalR clients split across both servers and orders placed through both in turn.
# Prints the benchmark's output (last line PUSH clients= p50_ms= p95_ms= p99_ms= lost=). Stops everything it started.
# Usage, from the repository root after `dotnet build -c Release src/MarketDelivery.Server src/MarketDelivery.Load`:
#   bash src/MarketDelivery.Load/scripts/push.sh [clients=1000] [orders=200] [rate=20]
set -euo pipefail
CLIENTS=${1:-1000}; ORDERS=${2:-200}; RATE=${3:-20}
CLUSTER_ID=push
source "$(dirname "$0")/two-servers.sh"
echo "two silos active; $CLIENTS clients, $ORDERS orders at $RATE/s" >&2

set +e
dotnet "$LOAD" push --base "http://127.0.0.1:$A_PORT" --base "http://127.0.0.1:$B_PORT" \
  --clients "$CLIENTS" --orders "$ORDERS" --rate "$RATE"
STATUS=$?
set -e
grep -ci "push of" "$WORK/a.log" "$WORK/b.log" | sed 's/^/push failures logged: /' >&2 || true
exit "$STATUS"
