# Shared by the load scripts over the synthetic data set (bench/intake.sh, bench/back_office.sh): the database,
# the release binary, the tools they need, a work folder and a free port. Source it after `cd` to the project.
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
