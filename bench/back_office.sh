#!/usr/bin/env bash
# The back office and the public conversation at scale, measured in one run on this machine (wrk, pgbench and
# node on 127.0.0.1 only; every run stops by itself):
#   1. the public report page (timeline, photos, supporters, comments, follow state: one transaction, 8 queries)
#      through HTTP, rendered on the server;
#   2. the inbox of the office with the most open reports: its query alone (pgbench, bench/sql/inbox.sql), the
#      `inbox` server fn, and the whole /ufficio page;
#   3. live pages: N streams watching one report, one change committed, time until each hears of it.
#
#   bench/load_synthetic.sh 1m && bench/back_office.sh segnala_bench_1m
#
# Needs the release server (scripts/run builds it) and the synthetic database. The account it makes is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh "$@"
STREAMS="${STREAMS:-200}"

OFFICE="$(q -c "select office_id from report where state not in ('resolved','closed','rejected','duplicate')
                group by office_id order by count(*) desc limit 1")"
echo "== $DB: $(q -c "select count(*) from report") reports; office $OFFICE has $(q -c "select count(*) from report
   where office_id = $OFFICE and state not in ('resolved','closed','rejected','duplicate')") open"
start_server
sign_in bench.ufficio@segnala.example --role office-manager --office "$OFFICE"

q -c "select receipt_code from report where is_public and not is_internal and confirmed_at is not null
      order by random() limit 2000" > "$WORK/codes.txt"
{ echo "codes = {"; sed 's/.*/"&",/' "$WORK/codes.txt"; echo "}"; cat bench/lua/report_page.lua; } > "$WORK/page.lua"
wrk -t1 -c2 -d5s -s "$WORK/page.lua" "$BASE" >/dev/null
for c in 2 8; do
  echo "== public report page (GET /segnalazioni/CODE, SSR), $c connections, ${DURATION}s"
  wrk -t2 -c"$c" -d"${DURATION}s" --latency -s "$WORK/page.lua" "$BASE" | pick
done

echo "== inbox, the query alone: pgbench, 2 clients, ${DURATION}s"
pgbench -n -f bench/sql/inbox.sql -D office="$OFFICE" -c 2 -j 2 -T "$DURATION" --log --log-prefix="$WORK/inbox" \
  "$DB_URL" 2>&1 | grep -E '^tps|latency average' || true
python3 bench/pct.py "$WORK"/inbox.*
echo "== inbox through HTTP (the \`inbox\` server fn), 2 connections, ${DURATION}s"
printf 'wrk.method = "POST"\nwrk.body = "query[sort]=due"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n' > "$WORK/inbox.lua"
wrk -t1 -c2 -d"${DURATION}s" --latency -s "$WORK/inbox.lua" -H "Cookie: $COOKIE" -H "Origin: $BASE" "$BASE/api/inbox" | pick
echo "== the whole inbox page (GET /ufficio, SSR), 2 connections, ${DURATION}s"
wrk -t1 -c2 -d"${DURATION}s" --latency -H "Cookie: $COOKIE" "$BASE/ufficio" | pick

CODE="$(head -1 "$WORK/codes.txt")"
for n in 50 "$STREAMS"; do
  echo "== live: $n streams on $CODE, one change committed"
  node bench/live_fanout.mjs "$BASE" "$CODE" "$n" "$DB_URL"
done
