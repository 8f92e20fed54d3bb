#!/usr/bin/env bash
# Failover measurement: two clustered server processes on one durable PostgreSQL (fsync on), the load benchmark
# against server A, and `kill -9` of server B (half of the grains live there) some seconds into the run.
# Prints the benchmark's summary (failures by status, LOAD line). Everything runs on loopback and stops by itself.
# Usage, from the repository root after `dotnet build -c Release src/MarketDelivery.Server src/MarketDelivery.Load`:
#   bash src/MarketDelivery.Load/scripts/failover.sh [duration_s=40] [kill_after_s=15] [concurrency=32]
set -euo pipefail
DURATION=${1:-40}; KILL_AFTER=${2:-15}; CONCURRENCY=${3:-32}
CLUSTER_ID=failover
source "$(dirname "$0")/two-servers.sh"
echo "two silos active; load on A for ${DURATION}s, kill -9 of B after ${KILL_AFTER}s" >&2

( sleep "$KILL_AFTER"; kill -9 "$B_PID"; echo "killed B at $(date +%T)" >&2 ) &
dotnet "$LOAD" --base "http://127.0.0.1:$A_PORT" --duration "$DURATION" --concurrency "$CONCURRENCY" \
  --confirm-fraction 0 --read-fraction 0 --report-every 1000 2>"$WORK/load.err"
