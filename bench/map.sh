#!/usr/bin/env bash
# The public map at scale (issue 15), measured in one run on this machine (wrk, pgbench, psql and curl on
# 127.0.0.1 only; every run stops by itself):
#   1. street zoom: the tiles of a 1280 x 800 view of the densest town centre at zoom 16, through HTTP with the
#      tile cache off (the database path), and the same SQL run directly by pgbench;
#   2. whole-region zoom: the tiles of the region at zoom 10 (clusters), both ways, and EXPLAIN ANALYZE of the
#      densest tile's query (rows read);
#   3. payload: bytes per pin of the street tiles, raw and gzipped;
#   4. repeated cells with the cache on, brotli as browsers ask; then a report written into a cached tile and
#      the time until the tile answers with it;
#   5. the cost of keeping the counts current: submissions (bench/sql/submit.sql) with and without the triggers,
#      and without the search indexes either.
#
#   bench/load_synthetic.sh 1m && bench/map.sh segnala_bench_1m
#   STREET="45.37 11.87 17" bench/map.sh segnala_bench_1m    # the view of ~1,000 reports of docs/benchmarks.md
#   SKIP_SUBMIT=1 / SUBMIT_ONLY=1                           # leave out / run only part 5
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh "$@"
STREET="${STREET:-45.4064 11.8768 16}"   # lat lng zoom: Padova's centre at street zoom
REGION="${REGION:-45.415 11.90 10}"      # the whole synthetic region
CONNS="${CONNS:-4}"   # SKIP_SUBMIT=1 leaves out the submissions' comparison (its resets vacuum the table)

start_server() {  # start_server CACHE_ENTRIES
  DATABASE_URL="$DB_URL" SEGNALA_MIGRATE=false SEGNALA_ADDR="127.0.0.1:$PORT" SEGNALA_PHOTOS="$WORK/photos" \
    SEGNALA_SITE_ROOT="$WORK/site" SEGNALA_DB_MAX_CONNECTIONS=16 SEGNALA_MAP_CACHE_ENTRIES="$1" \
    RUST_LOG=warn "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "$BASE/healthz" >/dev/null || { cat "$WORK/server.log"; echo "the server did not start" >&2; exit 1; }
}
stop_server() { [ -n "${SERVER:-}" ] || return 0; kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
cleanup() {
  stop_server
  q -c "drop table if exists bench_tile" -c "delete from report where receipt_code = 'SEG-2098-000001'" \
    -c "alter table report enable trigger map_cells_inserted" -c "alter table report enable trigger map_cells_deleted" \
    -c "create index if not exists report_search_gin on report using gin (report_search_text(title, description))" \
    -c "create index if not exists report_receipt_code_trgm on report using gin (receipt_code gin_trgm_ops)" \
    -c "create index if not exists report_title_trgm on report using gin (lower(title) gin_trgm_ops)" \
    >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Submissions (bench/sql/submit.sql, 8 clients) with the map's triggers, without them, and without them nor the
# search indexes of migration 0014 (full text, trigrams): what keeping the counts current costs, and what search costs.
submissions() {
  local tps mode round
  echo "== submissions: with the map's triggers, without, and without the search indexes either (8 clients, ${DURATION}s each)"
  for round in 1 2 3; do
    # Each round in another order: no mode always runs first after the reset.
    for mode in $(echo "with without bare with without" | cut -d' ' -f"$round-$((round + 2))"); do
      psql -X -q -v ON_ERROR_STOP=1 "$DB_URL" -f bench/sql/submit_reset.sql >/dev/null 2>&1
      if [ "$mode" != with ]; then q -c "alter table report disable trigger map_cells_inserted"; fi
      if [ "$mode" = bare ]; then
        q -c "drop index report_search_gin" -c "drop index report_receipt_code_trgm" -c "drop index report_title_trgm"
      fi
      tps="$(pgbench -n -f bench/sql/submit.sql -c 8 -j 2 -T "$DURATION" "$DB_URL" 2>/dev/null | awk '/^tps/ {print $3}')"
      if [ "$mode" != with ]; then
        # The reports made without the trigger were never counted: removed without the trigger too.
        q -c "alter table report disable trigger map_cells_deleted"
        psql -X -q -v ON_ERROR_STOP=1 "$DB_URL" -f bench/sql/submit_reset.sql >/dev/null 2>&1
        q -c "alter table report enable trigger map_cells_deleted"
      fi
      if [ "$mode" = bare ]; then
        q -c "create index report_search_gin on report using gin (report_search_text(title, description))" \
          -c "create index report_receipt_code_trgm on report using gin (receipt_code gin_trgm_ops)" \
          -c "create index report_title_trgm on report using gin (lower(title) gin_trgm_ops)"
      fi
      q -c "alter table report enable trigger map_cells_inserted"
      echo "   round $round, $mode: $tps tps"
    done
  done
  psql -X -q -v ON_ERROR_STOP=1 "$DB_URL" -f bench/sql/submit_reset.sql >/dev/null 2>&1
}
if [ -n "${SUBMIT_ONLY:-}" ]; then submissions; exit 0; fi

# shellcheck disable=SC2086
python3 bench/map_tiles.py $STREET >"$WORK/street.txt"
# shellcheck disable=SC2086
python3 bench/map_tiles.py $REGION >"$WORK/region.txt"
tiles_table() {  # tiles_table VIEW...: bench_tile holds the view's tiles
  q -c "drop table if exists bench_tile" -c "create table bench_tile (i int primary key, level smallint, clo bigint, chi bigint, lo bigint, hi bigint, merge int)"
  # shellcheck disable=SC2068
  python3 bench/map_tiles.py $@ --sql | q >/dev/null
}
# shellcheck disable=SC2086
tiles_table $STREET
IN_VIEW="$(q -c "select count(*) from report r, bench_tile t where r.is_public and not r.is_internal
  and r.confirmed_at is not null and r.mq >= t.lo and r.mq < t.hi")"
echo "== $DB: $(q -c "select count(*) from report") reports; map_cell $(q -c "select count(*) from map_cell") rows, map_cell_detail $(q -c "select count(*) from map_cell_detail") rows"
echo "== street view ($STREET): $(wc -l <"$WORK/street.txt") tiles, $IN_VIEW reports in them"

start_server 0
run_wrk() {  # run_wrk NAME FILE CONNS [ENCODING [THREADS]]
  echo "-- $1: wrk, ${5:-2} threads, $3 connections, ${DURATION}s"
  TILES="$2" ENCODING="${4:-}" wrk -t"${5:-2}" -c"$3" -d"${DURATION}s" -s bench/lua/tiles.lua "$BASE" | grep '^requests'
}
TILES="$WORK/street.txt" wrk -t1 -c1 -d3s -s bench/lua/tiles.lua "$BASE" >/dev/null   # warm the database
run_wrk "street tiles through HTTP, cache off" "$WORK/street.txt" "$CONNS"
echo "-- street tiles' SQL alone: pgbench, $CONNS clients, ${DURATION}s"
pgbench -n -f bench/sql/map_street.sql -D tiles="$(wc -l <"$WORK/street.txt")" -c "$CONNS" -j 2 -T "$DURATION" \
  "$DB_URL" 2>/dev/null | grep -E '^(tps|latency average)'

# shellcheck disable=SC2086
tiles_table $REGION
echo "== region view ($REGION): $(wc -l <"$WORK/region.txt") tiles"
run_wrk "region tiles through HTTP, cache off" "$WORK/region.txt" "$CONNS"
echo "-- region tiles' SQL alone: pgbench, $CONNS clients, ${DURATION}s"
pgbench -n -f bench/sql/map_region.sql -D tiles="$(wc -l <"$WORK/region.txt")" -c "$CONNS" -j 2 -T "$DURATION" \
  "$DB_URL" 2>/dev/null | grep -E '^(tps|latency average)'
DENSE="$(q -c "select t.i from bench_tile t join map_cell m on m.level = t.level and m.q >= t.clo and m.q < t.chi
  group by t.i order by sum(m.n) desc limit 1")"
echo "-- the densest region tile ($(sed -n "${DENSE}p" "$WORK/region.txt")): EXPLAIN (ANALYZE, BUFFERS)"
read -r LV CLO CHI MERGE <<<"$(q -F ' ' -c "select level, clo, chi, merge from bench_tile where i = $DENSE")"
q -c "explain (analyze, buffers, costs off) select q >> $MERGE, state, sum(n), sum(sx), sum(sy) from map_cell
  where level = $LV and q >= $CLO and q < $CHI and n > 0 group by 1, 2 order by 1" \
  | grep -E 'Index|rows=|Buffers|Execution' | sed 's/^/   /'
echo "-- the same tile filtered by category and state (map_cell_detail), EXPLAIN (ANALYZE, BUFFERS), twice (cold, warm)"
for _ in 1 2; do
  q -c "explain (analyze, buffers, costs off) select q >> $MERGE, state, sum(n) from map_cell_detail
    where level = $LV and q >= $CLO and q < $CHI and n > 0 and category_id = 1 and state = any('{submitted,in_charge}')
    group by 1, 2" | grep -E 'Index Scan|Buffers|Execution|Rows Removed' | sed 's/^/   /'
done

echo "== payload of the street tiles"
python3 - "$BASE" "$WORK/street.txt" <<'PY'
import gzip, json, sys, urllib.request
base, paths = sys.argv[1], [l.strip() for l in open(sys.argv[2]) if l.strip()]
raw = gz = pins = clusters = 0
for p in paths:
    body = urllib.request.urlopen(base + p).read()
    d = json.loads(body)
    raw += len(body); gz += len(gzip.compress(body, 6))
    pins += len(d["p"]) // 4; clusters += len(d["c"]) // 11
print(f"   {len(paths)} tiles, {pins} pins, {clusters} clusters: {raw} B raw ({raw / max(pins, 1):.1f} B a pin), "
      f"{gz} B gzip ({gz / max(pins, 1):.1f} B a pin)")
PY
stop_server

start_server 20000
echo "== repeated cells, cache on"
# One wrk thread: on 2 cores a second one competes with the server's two workers for the CPU (tail latency).
for c in 2 4 8; do
  TILES="$WORK/street.txt" ENCODING=br wrk -t1 -c"$c" -d3s -s bench/lua/tiles.lua "$BASE" >/dev/null
  run_wrk "the street view's tiles again and again, Accept-Encoding: br" "$WORK/street.txt" "$c" br 1
done
FIRST="$(head -1 "$WORK/street.txt")"
read -r Z X Y <<<"$(echo "$FIRST" | awk -F/ '{print $5, $6, $7}')"
LNG="$(python3 -c "print(($X + 0.5) / 2**$Z * 360 - 180)")"
LAT="$(python3 -c "import math; print(math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ($Y + 0.5) / 2**$Z)))))")"
total() { curl -fsS "$BASE$FIRST" | python3 -c "import json, sys; print(json.load(sys.stdin)['n'])"; }
BEFORE="$(total)"
T0=$EPOCHREALTIME
q -c "insert into report (receipt_code, kind, category_id, office_id, location, title, description)
      select 'SEG-2098-000001', 'problem', category_id, office_id, ST_SetSRID(ST_MakePoint($LNG, $LAT), 4326),
             'Prova del banco: una buca', 'Scritta da bench/map.sh.' from category order by category_id limit 1"
T1=$EPOCHREALTIME
N=0
until [ "$(total)" -gt "$BEFORE" ]; do
  N=$((N + 1)); [ $N -gt 500 ] && { echo "   the write never showed" >&2; break; }
done
T2=$EPOCHREALTIME
echo "-- a report written into a cached tile ($FIRST, $BEFORE reports): psql committed in $(python3 -c "print(round(($T1 - $T0) * 1000, 1))") ms; the next answers had it after $(python3 -c "print(round(($T2 - $T1) * 1000, 1))") ms ($N stale answers before)"
q -c "delete from report where receipt_code = 'SEG-2098-000001'" >/dev/null
stop_server

if [ -n "${SKIP_SUBMIT:-}" ]; then exit 0; fi
submissions
