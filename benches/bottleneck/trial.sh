#!/usr/bin/env bash
# One trial, end to end: a throwaway redis-server and trello-auth-sandbox (sandbox.toml: key 300 and
# token 100 per 10 s), 5 tokens (5 members), then fleet.js and decisions.js. Needs `npm ci` first.
#
#   ./trial.sh [SECONDS] [extra fleet.js args, e.g. --phase-ms 8500 --detail]
#
# Env: SANDBOX (default ../../target/debug/trello-auth-sandbox), REDIS_PORT (default 6391).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_ARG=${1:-20}
shift || true
SANDBOX=${SANDBOX:-../../target/debug/trello-auth-sandbox}
REDIS_PORT=${REDIS_PORT:-6391}
WORK=$(mktemp -d)

redis-server --port "$REDIS_PORT" --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
"$SANDBOX" --config sandbox.toml >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
SANDBOX_PID=$!
trap 'kill "$SANDBOX_PID" "$REDIS_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

for _ in $(seq 50); do
  [ -s "$WORK/sandbox.out" ] && redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s.split("\n")[0]);for(const k of process.argv[1].split("."))v=v[k];console.log(v)})' "$1"; }
API=$(json api_base <"$WORK/sandbox.out")
KEY=$(json app.key <"$WORK/sandbox.out")
TOKENS=$(json token <"$WORK/sandbox.out")
for u in bob carol dave erin; do
  MID=$(curl -sf -X POST "$API/__sandbox/members" -H 'content-type: application/json' \
    -d "{\"username\":\"$u\"}" | json id)
  T=$(curl -sf -X POST "$API/__sandbox/tokens" -H 'content-type: application/json' \
    -d "{\"member_id\":\"$MID\",\"expiration\":\"never\"}" | json token)
  TOKENS="$TOKENS,$T"
done

node fleet.js --api-base "$API" --key "$KEY" --tokens "$TOKENS" \
  --redis "redis://127.0.0.1:$REDIS_PORT" --processes 8 --concurrency 4 --seconds "$SECONDS_ARG" "$@"
curl -sf "$API/__sandbox/requests" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c={};for(const r of JSON.parse(s))c[r.status]=(c[r.status]||0)+1;console.error("sandbox request log, by status: "+JSON.stringify(c))})'
node decisions.js --redis "redis://127.0.0.1:$REDIS_PORT" --seconds 5
