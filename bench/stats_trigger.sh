#!/usr/bin/env bash
# What the statistics queue costs a submission: the statement-level triggers on `report` (migration 0015) add one
# `stats_queue` row per changed report. pgbench runs a signed-in citizen's submission (bench/sql/submit_signed_in.sql,
# the transaction POST /api/v1/reports writes) with the queue trigger on and off, alternating, ROUNDS times each,
# and prints each run's rate and the medians. The database only (no server); it stops by itself and puts
# everything back (trigger on, the reports it filed and their queue rows removed).
#
#   bench/load_synthetic.sh 1m && bench/stats_trigger.sh segnala_bench_1m
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${1:-segnala_bench_1m}"
ADMIN_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB_URL="${ADMIN_URL%/*}/$DB"
DURATION="${DURATION:-15}"
ROUNDS="${ROUNDS:-3}"
CLIENTS="${CLIENTS:-8}"
q() { psql -X -q -At "$DB_URL" "$@"; }
q -c "select 1" >/dev/null || { echo "no database $DB: bench/load_synthetic.sh first" >&2; exit 1; }
# The citizen the reports are filed as (bench/intake.sh's, created here when missing; removed by neither).
q -c "insert into app_user (email, display_name) values ('bench@segnala.example', 'Banco di prova') on conflict do nothing" >/dev/null
USER_ID="$(q -c "select user_id from app_user where email = 'bench@segnala.example'")"
FIRST="$(q -c "select coalesce(max(report_id), 0) from report")"
cleanup() {
  q -c "alter table report enable trigger stats_queue_inserted" >/dev/null
  psql -X -q -v ON_ERROR_STOP=1 "$DB_URL" -f bench/sql/submit_reset.sql >/dev/null
  q -c "delete from stats_queue where report_id > $FIRST" >/dev/null
}
trap cleanup EXIT

run() {
  pgbench -n -f bench/sql/submit_signed_in.sql -D user_id="$USER_ID" -c "$CLIENTS" -j 2 -T "$DURATION" "$DB_URL" 2>&1 \
    | awk '/^tps/ { printf "%.0f\n", $3 }'
}
echo "== $DB: $(q -c "select count(*) from report") reports; $CLIENTS clients, ${DURATION}s a run, $ROUNDS rounds"
on=(); off=()
for i in $(seq 1 "$ROUNDS"); do
  q -c "alter table report enable trigger stats_queue_inserted" >/dev/null
  on+=("$(run)")
  q -c "alter table report disable trigger stats_queue_inserted" >/dev/null
  off+=("$(run)")
  echo "round $i: trigger on ${on[-1]} tps, off ${off[-1]} tps"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
m_on="$(median "${on[@]}")"; m_off="$(median "${off[@]}")"
echo "median: trigger on $m_on tps, off $m_off tps; on/off $(awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "%.1f %%", 100 * a / b }')"
