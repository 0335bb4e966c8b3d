#!/usr/bin/env bash
# The messaging path and the bare Channels ceiling, in one run, on the same Redis and load.
# Usage (from the repository root, PostgreSQL and Redis running, database migrated):
#   CEILING_DIR=../shared/bench/ceiling DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucs \
#     REDIS_URL=redis://127.0.0.1:6379/5 bench/dm_vs_ceiling.sh 250 500 1000
# Starts both servers (2 uvicorn workers each, as the ceiling README), runs each rate against
# the ceiling and then against UCS, prints one JSON line per run, and stops the servers.
set -euo pipefail
: "${CEILING_DIR:?the folder with bare_asgi.py and load.py}"
: "${DATABASE_URL:?}" "${REDIS_URL:?}"
WORKERS=${WORKERS:-2}
PAIRS=${PAIRS:-100}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
UCS_PORT=${UCS_PORT:-8112}
BARE_PORT=${BARE_PORT:-8113}
PY=${PY:-$(pwd)/.venv/bin/python}
rates=("${@:-250 500 1000}")

CONN_MAX_AGE=${CONN_MAX_AGE:-600} CONN_HEALTH_CHECKS=${CONN_HEALTH_CHECKS:-false} DEBUG=false LOG_LEVEL=WARNING MESSAGING_SOCKET_RATE=100000,10 \
  "$PY" -m uvicorn ucs.asgi:application --port "$UCS_PORT" --workers "$WORKERS" \
  --log-level warning &
ucs_pid=$!
(cd "$CEILING_DIR" && BARE_LAYER=pubsub exec "$PY" -m uvicorn bare_asgi:application \
  --port "$BARE_PORT" --workers "$WORKERS" --log-level warning) &
bare_pid=$!
trap 'kill $ucs_pid $bare_pid 2>/dev/null; wait 2>/dev/null' EXIT
sleep 8
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for rate in ${rates[*]}; do
  echo -n "ceiling "
  (cd "$CEILING_DIR" && "$PY" load.py --url "ws://127.0.0.1:$BARE_PORT/ws/messaging/" \
    --pairs "$PAIRS" --rate "$rate" --seconds "$SECONDS_PER_RUN")
  echo -n "ucs     "
  "$PY" bench/dm_latency.py --url "ws://127.0.0.1:$UCS_PORT/ws/messaging/" \
    --pairs "$PAIRS" --rate "$rate" --seconds "$SECONDS_PER_RUN"
  echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done
