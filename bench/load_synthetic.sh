#!/usr/bin/env bash
# Loads the synthetic data set (bench/synthetic.py) into a database of its own, for benchmarks at scale.
#
#   bench/load_synthetic.sh SIZE          SIZE: 1m, 10m, 20k or a number of reports
#
#   DATABASE_URL  a superuser connection to the server to use (default postgres://postgres@127.0.0.1:5432/postgres)
#   DB_NAME       the database to (re)create (default segnala_bench_<SIZE>; must start with segnala_bench_)
#   SEED          generator seed (default 2026)
#   AREA=sql      leave area_id to an UPDATE after the load instead of computing it in Python (to compare)
#
# Safe to run again: drops and recreates the database. Applies the migrations (with `segnala migrate` when the
# release binary is built, else every migrations/*.sql with psql), drops the secondary indexes and the foreign-key and unique
# constraints of report and report_update, streams the rows in with COPY ... FREEZE (two COPYs side by side),
# rebuilds the indexes, adds the constraints back (which checks every row: states against
# report_state_transition, duplicates against earlier reports), runs ANALYZE, and prints each phase's time.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "load_synthetic: $*" >&2; exit 1; }
SIZE="${1:-}"
[ -n "$SIZE" ] || die "usage: bench/load_synthetic.sh SIZE   (1m, 10m, 20k or a number of reports)"
LABEL="$(tr 'A-Z' 'a-z' <<<"$SIZE")"
case "$LABEL" in
  [0-9]*m) N=$(( ${LABEL%m} * 1000000 )) ;;
  [0-9]*k) N=$(( ${LABEL%k} * 1000 )) ;;
  *[!0-9]*) die "SIZE must be like 1m, 10m, 20k or a number, not '$SIZE'" ;;
  *) N=$(( 10#$LABEL )) ;;
esac
[ "$N" -gt 0 ] || die "SIZE must be more than 0 reports"
[[ "$LABEL" =~ ^[0-9]+[mk]?$ ]] || die "SIZE must be like 1m, 10m, 20k or a number, not '$SIZE'"
ADMIN_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB_NAME="${DB_NAME:-segnala_bench_$LABEL}"
[[ "$DB_NAME" =~ ^segnala_bench_[a-z0-9_]+$ ]] \
  || die "DB_NAME must match segnala_bench_[a-z0-9_]+ (it is dropped first)"
SEED="${SEED:-2026}"
AREA="${AREA:-python}"
case "$AREA" in python|sql) ;; *) die "AREA must be python or sql" ;; esac
for tool in psql python3; do command -v "$tool" >/dev/null || die "$tool missing"; done
DB_URL="$(python3 - "$ADMIN_URL" "$DB_NAME" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); print(u.urlunsplit((p.scheme, p.netloc, "/" + sys.argv[2], p.query, "")))
PY
)"
psql -X "$ADMIN_URL" -qtAc "select 1" >/dev/null 2>&1 || die "cannot connect to $ADMIN_URL (set DATABASE_URL)"

# Disk: 1.46 KB a report with its timeline and indexes (1,459 MB at 1M), counted as 1.7 KB x 1.5 for WAL and
# margin, plus 4 GB; 10M (and anything from 5M) only with more than 40 GB free.
DATA_DIR="$(psql -X "$ADMIN_URL" -qtAc "show data_directory" 2>/dev/null || true)"
[ -d "$DATA_DIR" ] || DATA_DIR=/
FREE_KB="$(df -Pk "$DATA_DIR" | awk 'NR == 2 { print $4 }')"
NEED_KB=$(( N * 17 / 10 * 3 / 2 + 4 * 1024 * 1024 ))
[ "$N" -lt 5000000 ] || [ "$FREE_KB" -gt $(( 40 * 1024 * 1024 )) ] \
  || die "$N reports need more than 40 GB free on $DATA_DIR ($(( FREE_KB / 1024 / 1024 )) GB free)"
[ "$FREE_KB" -gt "$NEED_KB" ] \
  || die "about $(( NEED_KB / 1024 / 1024 )) GB needed on $DATA_DIR, $(( FREE_KB / 1024 / 1024 )) GB free"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
T_START=$EPOCHREALTIME
T_PHASE=$T_START
usec() { local t=${1/./}; echo $(( 10#$t )); }  # $EPOCHREALTIME in microseconds
secs() { local d=$(( ($(usec "$2") - $(usec "$1")) / 100000 )); printf '%d.%d' $(( d / 10 )) $(( d % 10 )); }
phase_done() {  # phase_done NAME [DETAIL]: prints the time since the last phase ended
  local now=$EPOCHREALTIME
  printf '  %-34s %8s s  %s\n' "$1" "$(secs "$T_PHASE" "$now")" "${2:-}"
  T_PHASE=$EPOCHREALTIME
}
q() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB_URL" "$@"; }

echo "== $DB_NAME: $N synthetic reports (seed $SEED) on $(sed -E 's#//([^:@/]+)(:[^@]*)?@#//\1@#' <<<"$ADMIN_URL")"

psql -X -q -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "set client_min_messages = warning" \
  -c "drop database if exists $DB_NAME with (force)" -c "create database $DB_NAME"
# The server's own migrator when a built binary is at hand (so the server can run against the database, as
# bench/intake.sh does); plain psql otherwise.
SEGNALA_BIN="${SEGNALA_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/segnala/target}/release/segnala}"
if [ -x "$SEGNALA_BIN" ]; then
  DATABASE_URL="$DB_URL" "$SEGNALA_BIN" migrate >/dev/null || die "segnala migrate failed"
else
  for f in migrations/*.sql; do
    q -c "set client_min_messages = warning" -f "$f" >/dev/null || die "migration $f failed"
  done
fi
phase_done "database and migrations" "$(ls migrations/*.sql | wc -l) files"

# What to drop now and rebuild after the load, as DDL.
TABLES="('report'::regclass, 'report_update'::regclass)"
q -tA -c "
  select format('alter table %s drop constraint %I;', conrelid::regclass, conname) from pg_constraint
  where (conrelid in $TABLES and contype in ('f', 'u'))
     -- Other tables' references to report_update (report_photo.update_id): its TRUNCATE would cascade to them.
     or (confrelid = 'report_update'::regclass and contype = 'f')
  order by contype, conname" >"$WORK/drop.sql"
q -tA -c "
  select format('drop index %s;', i.indexrelid::regclass) from pg_index i
  where i.indrelid in $TABLES and not i.indisprimary
    and not exists (select from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
  order by 1" >>"$WORK/drop.sql"
q -tA -c "
  select pg_get_indexdef(i.indexrelid) || ';' from pg_index i
  where i.indrelid in $TABLES and not i.indisprimary
    and not exists (select from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
  order by i.indrelid::regclass::text, 1" >"$WORK/indexes.sql"
q -tA -c "
  select format('alter table %s add constraint %I %s;', conrelid::regclass, conname, pg_get_constraintdef(oid))
  from pg_constraint where conrelid in $TABLES and contype = 'u' order by conname" >>"$WORK/indexes.sql"
q -tA -c "
  select format('alter table %s add constraint %I %s;', conrelid::regclass, conname, pg_get_constraintdef(oid))
  from pg_constraint where (conrelid in $TABLES or confrelid = 'report_update'::regclass) and contype = 'f'
  order by conrelid::regclass::text, conname" \
  >"$WORK/constraints.sql"
q -f "$WORK/drop.sql"
# The map's per-cell counts are rebuilt once after the load (map_cells_rebuild) rather than by the triggers
# row by row.
q -c "alter table report disable trigger map_cells_inserted" -c "alter table report disable trigger map_cells_updated"
# Likewise the statistics: rebuilt once after the load (`segnala stats rebuild`), not queued row by row.
q -c "alter table report disable trigger stats_queue_inserted"
phase_done "drop indexes and constraints" "$(grep -c . "$WORK/drop.sql") dropped"

GEN_ARGS=(--db "$DB_URL" --reports "$N" --seed "$SEED" --progress $(( N >= 1000000 ? 1000000 : N )))
[ "$AREA" = sql ] && GEN_ARGS+=(--no-area)
python3 bench/synthetic.py "${GEN_ARGS[@]}" >"$WORK/rows"
read -r _ REPORTS UPDATES GEN_S <"$WORK/rows"
ROWS=$(( REPORTS + UPDATES ))
NOW=$EPOCHREALTIME
RATE=$(( ROWS * 1000000 / ($(usec "$NOW") - $(usec "$T_PHASE")) ))
phase_done "generate and COPY" "$REPORTS reports + $UPDATES timeline rows, $RATE rows/s"

if [ "$AREA" = sql ]; then
  q -c "update report r set area_id = (select a.area_id from area a where a.kind = 'district'
          and ST_Intersects(a.boundary, r.location) order by a.area_id limit 1)"
  phase_done "area_id by UPDATE" "$REPORTS rows"
fi

run_each() {  # run_each FILE: one statement a line, each timed
  local stmt t0 name
  while IFS= read -r stmt; do
    [ -n "$stmt" ] || continue
    t0=$EPOCHREALTIME
    q -c "set maintenance_work_mem = '1GB'" -c "$stmt" </dev/null
    name="$(grep -ioE '(index|constraint) [a-z0-9_]+' <<<"$stmt" | head -1 || true)"
    printf '      %-52s %6s s\n' "$name" "$(secs "$t0" "$EPOCHREALTIME")"
  done <"$1"
}
run_each "$WORK/indexes.sql"
phase_done "indexes" "$(grep -c . "$WORK/indexes.sql") built"
run_each "$WORK/constraints.sql"
phase_done "constraints (checks every row)" "$(grep -c . "$WORK/constraints.sql") added"

q -c "alter table report enable trigger map_cells_inserted" -c "alter table report enable trigger map_cells_updated"
q -c "set work_mem = '256MB'" -c "select map_cells_rebuild()" >/dev/null
phase_done "map cells (5 levels, 3 filtered)" "$(q -tA -c "select count(*) from map_cell") + $(q -tA -c "select count(*) from map_cell_detail") rows"

q -c "analyze"
phase_done "analyze"

q -c "alter table report enable trigger stats_queue_inserted"
STATS_BIN="$SEGNALA_BIN"
[ -x "$STATS_BIN" ] || STATS_BIN="${CARGO_TARGET_DIR:-$HOME/.cache/segnala/target}/debug/segnala"
if [ -x "$STATS_BIN" ]; then
  DATABASE_URL="$DB_URL" SEGNALA_MIGRATE=false "$STATS_BIN" stats rebuild | tail -1
  q -c "analyze report_timing"
  phase_done "statistics (report_timing, stats_month, stats_window)" "$(q -tA -c "select count(*) from report_timing") rows"
else
  echo "  statistics: no segnala binary built; run \`segnala stats rebuild\` against $DB_NAME before benchmarking them"
fi

echo "  total                              $(secs "$T_START" "$EPOCHREALTIME") s"
q -tA -F ' ' -c "
  select 'database size: ' || pg_size_pretty(pg_database_size(current_database()))
         || '; report ' || pg_size_pretty(pg_total_relation_size('report'))
         || ' (heap ' || pg_size_pretty(pg_relation_size('report')) || ')'
         || ', report_update ' || pg_size_pretty(pg_total_relation_size('report_update'))" \
  -c "select 'states: ' || string_agg(state || ' ' || n, ', ' order by n desc)
      from (select state::text, count(*) n from report group by 1) s" \
  -c "select 'receipt counters: ' || string_agg(year || ' ' || last_number, ', ' order by year) from receipt_counter"
echo "== done: psql $(sed -E 's#//([^:@/]+)(:[^@]*)?@#//\1@#' <<<"$DB_URL")"
