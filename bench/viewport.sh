#!/usr/bin/env bash
# Latency of the map's viewport request on the demo data, with wrk against a running server on 127.0.0.1.
# Bounded: each run lasts DURATION seconds and stops by itself.
#
#   bench/viewport.sh [BASE_URL]      (default http://127.0.0.1:3000; start it with scripts/run)
set -euo pipefail
BASE="${1:-http://127.0.0.1:3000}"
case "$BASE" in http://127.0.0.1:*|http://localhost:*) ;; *) echo "only loopback targets" >&2; exit 1 ;; esac
DURATION="${DURATION:-15}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
curl -fsS "$BASE/healthz" >/dev/null || { echo "no server at $BASE" >&2; exit 1; }

run() {
  local name="$1" path="$2" conns="$3"
  local n
  n="$(curl -fsS "$BASE$path" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["pins"]), "pins of", d["total"])')"
  echo "== $name: $path ($n), $conns connections, ${DURATION}s"
  wrk -t1 -c"$conns" -d"${DURATION}s" --latency "$BASE$path" | grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors' || true
}

# A neighbourhood (Piazza dei Signori, ~1.6 × 1.1 km) and the whole municipality (the 500-pin cap applies).
run "neighbourhood" "/api/v1/reports?bbox=11.8630,45.4030,11.8840,45.4130" 4
run "whole town"    "/api/v1/reports?bbox=11.78,45.35,11.97,45.46" 4
