#!/usr/bin/env bash
# A CISO's daily pages and the API floor at demo size and at national size:
# builds both populations itself (the demo world; the demo world plus
# `lisa demo generate --orgs N --years 2`), then runs wrk against every page
# and prints one markdown table, with the server's memory idle and under load.
#
# Usage: bench/national.sh [ORGS] [DATABASE_URL]
#   ORGS          generated organisations for the large population (default 20000)
#   DATABASE_URL  an empty PostgreSQL database to use instead of SQLite; it is
#                 emptied (DROP SCHEMA public CASCADE) before each population
# Env: DURATION (seconds of wrk per page, default 5), CONNECTIONS (default 32),
#      LISA_BIN (default target/dist/lisa).
# Needs: a dist build (cargo build --profile dist -p lisa), wrk, curl, python3
#        (and psql for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${1:-20000}
DB_URL=${2:-}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-32}
BIN=${LISA_BIN:-target/dist/lisa}
export LISA_DEMO_PASSWORD='bench-lösenord-2026'
WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$PID/status"; }

start() { # $1 data dir, $2 extra args
  PORT=$(port)
  local args=(--data-dir "$1")
  [ -n "$DB_URL" ] && args+=(--database-url "$DB_URL")
  # shellcheck disable=SC2086
  "$BIN" "${args[@]}" serve $2 --bind "127.0.0.1:$PORT" >"$1/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.2; done
  echo "the server did not start:"; cat "$1/server.log"; exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }

login() { # $1 e-mail → cookie
  curl -s -i -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$LISA_DEMO_PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/session" |
    tr -d '\r' | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); print a[1]}'
}

# One population: the pages, each loaded by wrk; prints "page req/s p99" lines into $2.
measure() { # $1 label, $2 output file
  local cookie base=http://127.0.0.1:$PORT
  cookie=$(login ciso@exempla.se)
  local assessment
  assessment=$(curl -s -H "cookie: $cookie" "$base/api/v1/assessments" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  local review
  review=$(curl -s -H "cookie: $cookie" "$base/api/v1/reviews" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  local round
  round=$(curl -s -H "cookie: $cookie" "$base/api/v1/rounds" | python3 -c 'import json,sys; d=json.load(sys.stdin); r=(d.get("invitations") or d.get("coordinated") or [{}])[0]; print((r.get("round") or r).get("id",""))')
  echo "idle_rss $(rss)" >>"$2"
  local peak=0
  for page in /api/v1/me / /orgs /assessments "/assessments/$assessment" /plan /reviews "/reviews/$review" /rounds "/rounds/$round" /users /yearwheel /incidents /training \
      /registers /registers/assets /registers/systems /registers/risks /registers/processings; do
    test "$(curl -s -o /dev/null -w '%{http_code}' -H "cookie: $cookie" "$base$page")" = 200 ||
      { echo "$page does not answer 200 for the CISO"; exit 1; }
    wrk -t2 -c"$CONNECTIONS" -d1s -H "cookie: $cookie" "$base$page" >/dev/null # warm-up
    ( sleep $((DURATION / 2)); rss >"$WORK/rss" ) &
    local probe=$!
    local out
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "cookie: $cookie" "$base$page")
    wait "$probe"
    local r; r=$(cat "$WORK/rss"); [ "$r" -gt "$peak" ] && peak=$r
    local rps p99 errors
    rps=$(awk '/Requests\/sec/{printf "%.0f", $2}' <<<"$out")
    p99=$(awk '$1=="99%"{print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/{print $5}' <<<"$out")
    [ -n "$errors" ] && { echo "$page: $errors answers were not 2xx"; exit 1; }
    local name=$page
    case $page in /assessments/*) name="/assessments/{id}";; /reviews/*) name="/reviews/{id}";; /rounds/*) name="/rounds/{id}";; esac
    echo "$name $rps $p99" >>"$2"
  done
  echo "load_rss $peak" >>"$2"
}

# The analyst's national pages, one request at a time, on the newest generated
# national round: the first request of each page (figures not yet kept) and the
# median of the 5 after it; prints "page first-ms again-ms" lines into $1.
analyst() {
  local cookie base=http://127.0.0.1:$PORT
  cookie=$(login analytiker@samordning.example)
  local round
  # The round with the most invitees, of the newest period.
  round=$(curl -s -H "cookie: $cookie" "$base/api/v1/rounds" | python3 -c '
import json,sys,urllib.request
rs=json.load(sys.stdin)["coordinated"]
def invited(r):
    q=urllib.request.Request(sys.argv[1]+"/api/v1/rounds/"+r["id"], headers={"cookie": sys.argv[2]})
    return len(json.load(urllib.request.urlopen(q)).get("invitees") or [])
best=max(rs, key=lambda r: (r["period"], invited(r)))
print(best["id"])' "$base" "$cookie")
  echo "analyst round: $round, $(curl -s -H "cookie: $cookie" "$base/api/v1/rounds/$round" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["invitees"]))') invitees" >&2
  local respondent
  respondent=$(curl -s -H "cookie: $cookie" "$base/api/v1/rounds/$round" | python3 -c '
import json,sys
d=json.load(sys.stdin)
done=[i["org_id"] for i in d.get("invitees") or [] if i["status"]=="submitted"]
print(done[0] if done else "")')
  for page in /rounds "/rounds/$round" "/rounds/$round/results" "/rounds/$round/trend" \
      ${respondent:+"/rounds/$round/respondents/$respondent"} \
      "/rounds/$round/results.xlsx" "/rounds/$round/results.csv" "/rounds/$round/report.pdf" "/rounds/$round/report.docx"; do
    local code first
    read -r code first < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "cookie: $cookie" "$base$page")
    [ "$code" = 200 ] || { echo "$page answers $code for the analyst"; exit 1; }
    first=$(awk '{printf "%.0f", $1*1000}' <<<"$first")
    local ms
    ms=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' -H "cookie: $cookie" "$base$page"; done |
      sort -n | sed -n 3p | awk '{printf "%.0f", $1*1000}')
    echo "${page//$round/{id\}} $first $ms" | sed "s/$respondent/{org}/" >>"$1"
  done
}

reset_pg() {
  [ -z "$DB_URL" ] && return
  psql -q "$DB_URL" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null
}

# Demo size.
reset_pg
mkdir -p "$WORK/small" "$WORK/large"
start "$WORK/small" --demo
ORG_SMALL=$(curl -s -H "cookie: $(login admin@exempla.se)" "http://127.0.0.1:$PORT/api/v1/orgs" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
measure small "$WORK/small.txt"
stop

# National size: the demo world plus the generated population.
reset_pg
start "$WORK/large" --demo
stop
gen=(--data-dir "$WORK/large")
[ -n "$DB_URL" ] && gen+=(--database-url "$DB_URL")
"$BIN" "${gen[@]}" demo generate --orgs "$ORGS" --years 2 >/dev/null
start "$WORK/large" ""
ORG_LARGE=$(curl -s -H "cookie: $(login admin@exempla.se)" "http://127.0.0.1:$PORT/api/v1/orgs" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
measure large "$WORK/large.txt"
analyst "$WORK/analyst.txt"
stop

backend=SQLite; [ -n "$DB_URL" ] && backend=PostgreSQL
echo
echo "$backend, wrk -t2 -c$CONNECTIONS -d${DURATION}s per page, logged in as ciso@exempla.se; $(nproc) cores"
echo
echo "| page | $ORG_SMALL organisations: req/s | p99 | $ORG_LARGE organisations: req/s | p99 | change |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
paste -d' ' <(grep '^/' "$WORK/small.txt") <(grep '^/' "$WORK/large.txt") |
  awk '{ printf "| `%s` | %s | %s | %s | %s | %+.0f %% |\n", $1, $2, $3, $5, $6, ($5-$2)*100/$2 }'
echo "| memory idle (RSS) | $(awk '/idle_rss/{print $2}' "$WORK/small.txt") MB | | $(awk '/idle_rss/{print $2}' "$WORK/large.txt") MB | | |"
echo "| memory under load (peak RSS) | $(awk '/load_rss/{print $2}' "$WORK/small.txt") MB | | $(awk '/load_rss/{print $2}' "$WORK/large.txt") MB | | |"
echo
echo "The analyst of the national coordinating body (analytiker@samordning.example), $ORG_LARGE organisations, the newest national round: one request at a time, the first and the median of the 5 after it"
echo
echo "| page | first request, ms | again (median of 5), ms |"
echo "| --- | ---: | ---: |"
awk '{ printf "| `%s` | %s | %s |\n", $1, $2, $3 }' "$WORK/analyst.txt"
