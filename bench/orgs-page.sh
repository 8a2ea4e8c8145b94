#!/usr/bin/env bash
# Load test of a logged-in user's organisation-tree page: wrk with 32
# connections on this machine, plus the server's memory (RSS) idle and under load.
# Usage: bench/orgs-page.sh [DURATION_SECONDS] [DATABASE_URL]
# Needs: a dist build (cargo build --profile dist -p lisa) and wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
DB_URL=${2:-}
BIN=${LISA_BIN:-target/dist/lisa}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATA=$(mktemp -d)
export LISA_DEMO_PASSWORD='bench-lösenord-2026'
args=(--data-dir "$DATA")
[ -n "$DB_URL" ] && args+=(--database-url "$DB_URL")
"$BIN" "${args[@]}" serve --demo --bind "127.0.0.1:$PORT" >"$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
COOKIE=$(curl -s -i -H 'content-type: application/json' \
  -d "{\"email\":\"ciso@exempla.se\",\"password\":\"$LISA_DEMO_PASSWORD\"}" \
  "http://127.0.0.1:$PORT/api/v1/session" | tr -d '\r' | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); print a[1]}')
test "$(curl -s -o /dev/null -w '%{http_code}' -H "cookie: $COOKIE" "http://127.0.0.1:$PORT/orgs")" = 200
rss() { awk '/VmRSS/{print $2/1024 " MB"}' /proc/$PID/status; }
echo "RSS idle (after login): $(rss)"
wrk -t2 -c32 -d2s -H "cookie: $COOKIE" "http://127.0.0.1:$PORT/orgs" >/dev/null  # warm-up
( sleep $((DURATION / 2)); echo "RSS under load: $(rss)" ) &
PROBE=$!
wrk -t2 -c32 -d"${DURATION}s" --latency -H "cookie: $COOKIE" "http://127.0.0.1:$PORT/orgs"
wait $PROBE
echo "RSS after load: $(rss)"
