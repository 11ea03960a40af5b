#!/usr/bin/env bash
# The mail outbox under load: a 10,000-message backlog drained into a real SMTP server (Python's aiosmtpd), with
# report writes measured (pgbench) before and during the drain, and lock waits sampled. Loopback only; stops by
# itself.
#
#   ADMIN_URL=postgres://postgres@127.0.0.1:PORT/postgres bench/outbox.sh
#
# Works in a scratch database (segnala_bench_outbox) it creates and drops on the server of ADMIN_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${ADMIN_URL:?set ADMIN_URL to a superuser connection (for the private cluster of scripts/run: postgres://postgres@127.0.0.1:PORT/postgres)}"
BIN="${SEGNALA_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/segnala/target}/release/segnala}"
N="${N:-10000}"; WRITE_SECONDS="${WRITE_SECONDS:-20}"
[ -x "$BIN" ] || { echo "no release server at $BIN: run scripts/run once" >&2; exit 1; }
DB_URL="$(python3 - "$ADMIN_URL" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); print(u.urlunsplit((p.scheme, p.netloc, "/segnala_bench_outbox", p.query, "")))
PY
)"
psql "$ADMIN_URL" -qc "drop database if exists segnala_bench_outbox with (force)" -c "create database segnala_bench_outbox"
DATABASE_URL="$DB_URL" "$BIN" seed-demo --reports 300 >/dev/null

MAILDIR="$(mktemp -d)/mail"; SMTP_PORT="$(python3 scripts/free_port.py)"
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAILDIR" & SMTP=$!
SERVER=""
cleanup() { kill $SMTP ${SERVER:-} 2>/dev/null || true; psql "$ADMIN_URL" -qc "drop database if exists segnala_bench_outbox with (force)" || true; }
trap cleanup EXIT

writes() {  # writes LABEL: pgbench of report writes, with p50/p99 from its per-transaction log
  local dir; dir="$(mktemp -d)"
  (cd "$dir" && pgbench -n -c 4 -j 2 -T "$WRITE_SECONDS" -f "$OLDPWD/bench/report_write.sql" -l "$DB_URL" >summary.txt 2>&1) || true
  python3 - "$1" "$dir" <<'PY'
import glob, sys
lat = sorted(int(l.split()[2]) for f in glob.glob(sys.argv[2] + "/pgbench_log.*") for l in open(f))
tps = [l for l in open(sys.argv[2] + "/summary.txt") if l.startswith("tps")]
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] / 1000
print(f"   {sys.argv[1]}: {len(lat)} report writes, p50 {q(0.5):.2f} ms, p99 {q(0.99):.2f} ms; {tps[0].strip() if tps else ''}")
PY
}

echo "== report writes with no mail being sent (pgbench, 4 clients, ${WRITE_SECONDS}s)"
writes "baseline"

echo "== queueing $N messages (about 2.5 KB of text and HTML each)"
# The baseline's writes queued a message each, with no server to send them: out of the way, so the backlog is N.
psql "$DB_URL" -qc "delete from outbox_mail"
psql "$DB_URL" -qc "
  insert into outbox_mail (message_id, kind, recipient, locale, subject, body_text, body_html, unsubscribe_url)
  select '<bench-' || g || '@bench>', 'test', 'lettore' || (g % 500) || '@esempio.it', 'it',
         'Aggiornamento sulla segnalazione SEG-2026-' || lpad(g::text, 6, '0'),
         repeat('Gentile cittadino, la sua segnalazione è stata presa in carico. ', 15),
         '<!DOCTYPE html><html><body>' || repeat('<p>Gentile cittadino, la sua segnalazione è stata presa in carico.</p>', 15) || '</body></html>',
         'http://127.0.0.1/disiscrizione/x'
  from generate_series(1, $N) g"

PORT="$(python3 scripts/free_port.py)"
T0=$(date +%s.%N)
DATABASE_URL="$DB_URL" SEGNALA_ADDR="127.0.0.1:$PORT" SEGNALA_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" RUST_LOG=warn \
  "$BIN" serve >/dev/null 2>&1 & SERVER=$!
echo "== draining into the SMTP sink (2 workers), report writes measured meanwhile"
writes "during the drain"
LOCKS=0; SAMPLES=0
while :; do
  left=$(psql "$DB_URL" -qtAc "select count(*) from outbox_mail where status = 'pending'")
  waits=$(psql "$DB_URL" -qtAc "select count(*) from pg_stat_activity where wait_event_type = 'Lock'")
  LOCKS=$((LOCKS + waits)); SAMPLES=$((SAMPLES + 1))
  [ "$left" = 0 ] && break
  sleep 0.5
done
T1=$(date +%s.%N)
sent=$(psql "$DB_URL" -qtAc "select count(*) from outbox_mail where status = 'sent'")
received=$(ls "$MAILDIR/new" | wc -l)
python3 - "$T0" "$T1" "$sent" "$received" "$LOCKS" "$SAMPLES" <<'PY'
import sys
t0, t1, sent, received, locks, samples = float(sys.argv[1]), float(sys.argv[2]), *map(int, sys.argv[3:])
s = t1 - t0
print(f"   drained: {sent} sent, {received} received by the SMTP server, in {s:.1f} s = {sent / s * 60:,.0f} messages/min")
print(f"   sessions waiting on a lock: {locks} in {samples} samples")
PY
