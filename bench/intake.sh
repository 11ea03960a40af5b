#!/usr/bin/env bash
# The reporting write path at scale, measured in one run on this machine (wrk and pgbench on 127.0.0.1 only;
# every run stops by itself):
#   1. duplicate suggestions: the query alone (pgbench, bench/sql/duplicates.sql) and through HTTP (the
#      `duplicates` server fn the reporting page calls), on points where open reports are;
#   2. submissions without photos: the same transaction run directly by pgbench (bench/sql/submit_signed_in.sql)
#      and `POST /api/v1/reports` through HTTP with an idempotency key, synchronous commit on, and their ratio;
#   3. the cost of one photo: the same submission with one 12-megapixel JPEG, one at a time.
#
#   bench/load_synthetic.sh 1m && bench/intake.sh segnala_bench_1m
#
# Needs the release server (scripts/run builds it) and the synthetic database (bench/load_synthetic.sh, which
# migrates it with the server's migrator). Reports it files are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh "$@"

echo "== $DB: $(q -c "select count(*) from report") reports, $(q -c "select count(*) from report where state not in ('resolved','closed','rejected','duplicate')") open"
bench_cleanup() {
  q -c "delete from report where reporter_id = (select user_id from app_user where email = 'bench@segnala.example')" \
    -c "delete from report where receipt_code like 'SEG-2099-%'" -c "delete from receipt_counter where year = 2099" \
    -c "delete from outbox_mail where recipient = 'bench@segnala.example'"
}
start_server SEGNALA_REPORTS_PER_IP_PER_HOUR=0 SEGNALA_PHOTOS_PER_IP_PER_HOUR=0 SEGNALA_REPORTS_PER_ACCOUNT_PER_HOUR=0

# A signed-in citizen: the API files reports for the session's account (confirmed at once, a receipt mail).
sign_in bench@segnala.example --role citizen
USER_ID="$(q -c "select user_id from app_user where email = 'bench@segnala.example'")"

# Points where open public reports are (what a citizen about to file a duplicate would be near).
q -c "select ST_Y(location) || ',' || ST_X(location) || ',' || category_id from report
      where state not in ('resolved','closed','rejected','duplicate') and is_public
      order by random() limit 2000" > "$WORK/points.csv"
{
  echo "local points = {"
  awk -F, '{ printf "{%s,%s,%s},\n", $1, $2, $3 }' "$WORK/points.csv"
  echo "}"
  cat bench/lua/duplicates.lua
} > "$WORK/duplicates.lua"

echo "== duplicates, the query alone: pgbench, 2 clients, ${DURATION}s"
pgbench -n -f bench/sql/duplicates.sql -c 2 -j 2 -T "$DURATION" -P "$DURATION" --log --log-prefix="$WORK/dup" "$DB_URL" 2>&1 \
  | grep -E '^tps|latency average' || true
python3 bench/pct.py "$WORK"/dup.*
# Warm-up (the pool's connections, plans, caches), not counted.
wrk -t1 -c2 -d5s -s "$WORK/duplicates.lua" -H "Origin: $BASE" "$BASE" >/dev/null
for c in 1 2 4; do
  echo "== duplicates through HTTP (server fn), $c connection(s), ${DURATION}s"
  wrk -t1 -c"$c" -d"${DURATION}s" --latency -s "$WORK/duplicates.lua" -H "Origin: $BASE" "$BASE" | pick
done

echo "== submissions, the same transaction run by pgbench, 8 clients, ${DURATION}s"
q -f bench/sql/submit_reset.sql >/dev/null 2>&1 || true
pgbench -n -f bench/sql/submit_signed_in.sql -D user_id="$USER_ID" -c 8 -j 2 -T "$DURATION" "$DB_URL" 2>&1 \
  | grep -E '^tps|latency average' || true
echo "== submissions through HTTP (POST /api/v1/reports, JSON, Idempotency-Key), 8 connections, ${DURATION}s"
wrk -t2 -c8 -d"${DURATION}s" --latency -s bench/lua/submit.lua -H "Cookie: $COOKIE" -H "Origin: $BASE" \
  "$BASE/api/v1/reports" | pick

echo "== one photo: 10 submissions with a 4000 × 3000 JPEG each, then 10 without, one at a time"
python3 - "$WORK/photo.jpg" <<'PY'
import sys, zlib, struct
# A 4000x3000 PNG (the server decodes any of JPEG/PNG/WebP; a PNG needs no encoder here).
w, h = 4000, 3000
row = bytes([0]) + bytes((x * 7 + 13) % 256 for x in range(w * 3))
raw = b"".join(bytes([0]) + bytes(((x + y) % 256) for x in range(w * 3)) if y % 50 == 0 else row for y in range(h))
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
one() {  # one N PHOTO: N submissions one at a time, prints mean ms
  local n="$1" photo="$2" t0 t1
  t0=$EPOCHREALTIME
  for i in $(seq 1 "$n"); do
    args=(-F "report={\"kind\":\"problem\",\"category_id\":1,\"lat\":45.4064,\"lng\":11.8768,\"title\":\"Prova con foto $i\",\"description\":\"Banco di prova.\"};type=application/json")
    [ "$photo" = yes ] && args+=(-F "photos=@$WORK/photo.jpg;type=image/png")
    curl -fsS -o /dev/null -H "Cookie: $COOKIE" -H "Origin: $BASE" "${args[@]}" "$BASE/api/v1/reports"
  done
  t1=$EPOCHREALTIME
  python3 -c "print(f'{($t1 - $t0) * 1000 / $n:.0f}')"
}
echo "   photo: $(stat -c %s "$WORK/photo.jpg") bytes"
with=$(one 10 yes); without=$(one 10 no)
echo "   with one photo: ${with} ms per submission; without: ${without} ms; one photo costs $((with - without)) ms"
