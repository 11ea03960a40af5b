#!/usr/bin/env bash
# Transparency at scale, measured in one run on this machine (wrk and the server on 127.0.0.1 only; every run
# stops by itself):
#   1. the public Trasparenza page (figures, three server-drawn charts, the district map, four tables), for the
#      whole municipality and for one office, 1 and 4 connections: with one connection wrk's latency is the
#      server's time for the page;
#   2. the staff dashboard (/ufficio/cruscotto: the same plus workload, coming deadlines) for an administrator;
#   3. the refresh job: its fixed cost (nothing queued: the backlog only), then N reports changed (a state change
#      with its timeline entry each, through the triggers) and the refresh that takes them, for N = 1, 100 and
#      1,000: the cost per changed report. The changes are rolled back afterwards (the states restored).
#
#   bench/load_synthetic.sh 1m && bench/transparency.sh segnala_bench_1m
#
# Needs the release server (scripts/run builds it) and the synthetic database (whose statistics the loader
# builds). The account it makes is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh "$@"

echo "== $DB: $(q -c "select count(*) from report") reports, $(q -c "select count(*) from report_timing") timing rows, \
$(q -c "select count(*) from stats_month") month rows, $(q -c "select count(*) from stats_window") scopes"
start_server SEGNALA_STATS_REFRESH_SECONDS=86400
sign_in bench.cruscotto@segnala.example --role administrator

OFFICE="$(q -c "select scope_id from stats_window where scope = 'office' order by received desc limit 1")"
SIZE="$(curl -fsS "$BASE/trasparenza" | wc -c)"
echo "== the page: $SIZE bytes of HTML ($(curl -fsS --compressed -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download}' "$BASE/trasparenza") brotli)"
for path in "/trasparenza" "/trasparenza?ufficio=$OFFICE"; do
  wrk -t1 -c1 -d3s "$BASE$path" >/dev/null
  for c in 1 4; do
    echo "== GET $path, $c connection(s), ${DURATION}s"
    wrk -t1 -c"$c" -d"${DURATION}s" --latency "$BASE$path" | pick
  done
done
for c in 1 4; do
  echo "== GET /ufficio/cruscotto (administrator), $c connection(s), ${DURATION}s"
  wrk -t1 -c"$c" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" "$BASE/ufficio/cruscotto" | pick
done

refresh() { DATABASE_URL="$DB_URL" SEGNALA_MIGRATE=false RUST_LOG=warn "$BIN" stats refresh; }
echo "== refresh with nothing queued (the backlog only), 3 runs"
for _ in 1 2 3; do refresh; done
for n in 1 100 1000; do
  # N open reports resolved now, each with its signed timeline entry, as the back office writes them.
  q <<SQL >/dev/null
    create table if not exists bench_changed (report_id bigint primary key, state report_state);
    truncate bench_changed;
    insert into bench_changed select report_id, state from report
      where state in ('in_charge', 'assigned', 'in_progress', 'reopened') order by random() limit $n;
    insert into report_update (report_id, from_state, to_state, actor_kind, actor_name)
      select report_id, state, 'resolved', 'staff', 'Banco di prova' from bench_changed;
    update report r set state = 'resolved' from bench_changed c where c.report_id = r.report_id;
SQL
  echo "== $n reports resolved, then one refresh"
  refresh
  # Put them back as they were (and let the refresh take that too, not timed).
  q <<SQL >/dev/null
    delete from report_update u using bench_changed c
      where u.report_id = c.report_id and u.actor_name = 'Banco di prova';
    update report r set state = c.state from bench_changed c where c.report_id = r.report_id;
    drop table bench_changed;
SQL
  refresh >/dev/null
done
