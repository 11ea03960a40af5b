#!/usr/bin/env bash
# Sign-in cost and a sign-in flood against the map (wrk on 127.0.0.1 only; every run stops by itself).
#
#   DATABASE_URL=postgres://…/segnala bench/login.sh
#
# Starts the release server (scripts/run builds it) twice on a free loopback port against the demo database:
#   1. limits off: one sign-in at a time (latency = one argon2id hash), then sign-ins/s under load;
#   2. the map's viewport latency alone, then beside a flood of sign-ins — with the default per-IP limit (a flood
#      from one address is answered 429), and with the limit off (a flood from many addresses: only the bound on
#      concurrent hashes protects the map).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the demo database (scripts/run prints where it is)}"
BIN="${SEGNALA_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/segnala/target}/release/segnala}"
DURATION="${DURATION:-15}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no release server at $BIN: run scripts/run once" >&2; exit 1; }
MAP="/api/v1/reports?bbox=11.8630,45.4030,11.8840,45.4130"

SERVER=""
start() {  # start LIMIT: a server with SEGNALA_RATE_LIMIT_PER_MINUTE=LIMIT
  PORT="$(python3 scripts/free_port.py)"; BASE="http://127.0.0.1:$PORT"
  SEGNALA_ADDR="127.0.0.1:$PORT" SEGNALA_RATE_LIMIT_PER_MINUTE="$1" RUST_LOG=warn "$BIN" serve >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 1 50); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "the server did not start" >&2; exit 1
}
stop() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
trap stop EXIT
login() { wrk -t1 -c"$1" -d"$2s" --latency -s bench/login_flood.lua -H "Origin: $BASE" "$BASE" ; }
map() { wrk -t1 -c4 -d"${DURATION}s" --latency "$BASE$MAP"; }
pick() { grep -E 'Requests/sec|50%|99%|Non-2xx' || true; }

start 0
echo "== one sign-in at a time (wrong password, unknown address: one argon2id hash each), ${DURATION}s"
login 1 "$DURATION" | pick
echo "== sign-ins, 16 connections, ${DURATION}s"
login 16 "$DURATION" | pick
echo "== the map alone (neighbourhood viewport, 4 connections), ${DURATION}s"
map | pick
echo "== the map during a flood of sign-ins from many addresses (limit off; 64 connections)"
login 64 $((DURATION + 4)) > /tmp/segnala-flood.txt & FLOOD=$!
sleep 2; map | pick; wait $FLOOD || true
echo "   the flood itself:"; pick < /tmp/segnala-flood.txt
stop

start 10
echo "== the map during a flood of sign-ins from one address (default limit: 10 a minute; 64 connections)"
login 64 $((DURATION + 4)) > /tmp/segnala-flood.txt & FLOOD=$!
sleep 2; map | pick; wait $FLOOD || true
echo "   the flood itself:"; pick < /tmp/segnala-flood.txt
