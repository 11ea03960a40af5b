# Shared by the load scripts over the synthetic data set (bench/intake.sh, bench/back_office.sh,
# bench/transparency.sh): the database, the release binary, the tools they need, a work folder, a free port, the
# server started and stopped, a signed-in account. Source it after `cd` to the project.
DB="${1:-segnala_bench_1m}"
ADMIN_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DB_URL="${ADMIN_URL%/*}/$DB"
BIN="${SEGNALA_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/segnala/target}/release/segnala}"
DURATION="${DURATION:-20}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
command -v pgbench >/dev/null || { echo "pgbench missing (postgresql-client)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no release server at $BIN: run scripts/run once" >&2; exit 1; }
psql -X -q "$DB_URL" -c "select 1" >/dev/null || { echo "no database $DB: bench/load_synthetic.sh first" >&2; exit 1; }
WORK="$(mktemp -d)"
PORT="$(python3 scripts/free_port.py)"; BASE="http://127.0.0.1:$PORT"
q() { psql -X -q -At "$DB_URL" "$@"; }

# wrk's lines worth keeping.
pick() { grep -E 'Requests/sec|50%|90%|99%|Non-2xx|Socket errors' || true; }

# start_server [VAR=value ...]: the release server against $DB at $BASE with the load scripts' settings (no rate
# limits, 16 connections, warnings only) and the given variables; waits until it answers. At exit it stops, the
# script's own `bench_cleanup` runs when defined, the accounts `sign_in` made are removed and the work folder goes.
SERVER=""
BENCH_ACCOUNTS=()
start_server() {
  env DATABASE_URL="$DB_URL" SEGNALA_MIGRATE=false SEGNALA_ADDR="127.0.0.1:$PORT" SEGNALA_PHOTOS="$WORK/photos" \
    SEGNALA_SITE_ROOT="$WORK/site" SEGNALA_RATE_LIMIT_PER_MINUTE=0 SEGNALA_DB_MAX_CONNECTIONS=16 RUST_LOG=warn \
    "$@" "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER=$!
  trap bench_exit EXIT
  for _ in $(seq 1 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "$BASE/healthz" >/dev/null || { cat "$WORK/server.log"; echo "the server did not start" >&2; exit 1; }
}
bench_exit() {
  [ -z "$SERVER" ] || { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; }
  if declare -F bench_cleanup >/dev/null; then bench_cleanup >/dev/null 2>&1 || true; fi
  for email in "${BENCH_ACCOUNTS[@]}"; do q -c "delete from app_user where email = '$email'" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}

# sign_in EMAIL OPTION...: a fresh account made by `segnala admin create` (the options give its role, and office),
# signed in at $BASE; sets COOKIE to its session.
BENCH_PASSWORD="una frase lunga per il banco di prova"
sign_in() {
  local email="$1"; shift
  BENCH_ACCOUNTS+=("$email")
  q -c "delete from app_user where email = '$email'" >/dev/null
  echo "$BENCH_PASSWORD" | DATABASE_URL="$DB_URL" SEGNALA_MIGRATE=false "$BIN" admin create \
    --email "$email" --name "Banco di prova" "$@" --password-stdin >/dev/null
  curl -fsS -o /dev/null -c "$WORK/jar" -H "Origin: $BASE" --data-urlencode "email=$email" \
    --data-urlencode "password=$BENCH_PASSWORD" "$BASE/accedi"
  COOKIE="$(awk '$6 == "segnala_session" { print $6 "=" $7 }' "$WORK/jar")"
  [ -n "$COOKIE" ] || { echo "sign-in as $email failed" >&2; exit 1; }
}
