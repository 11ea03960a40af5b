# Shared steps of scripts/run and scripts/test. Each step says what it does, skips what is already done, and
# stops the whole script with a clear message when it fails.
# shellcheck shell=bash

set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# One build cache outside the clone, shared by every run and by CI's fresh clones.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/segnala/target}"
export SEGNALA_SITE_ROOT="${SEGNALA_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
# Queries are checked at compile time against the committed .sqlx/ data: no database needed to build.
export SQLX_OFFLINE="${SQLX_OFFLINE:-true}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/node_modules/.bin:$PATH"

WASM_BINDGEN_VERSION="0.2.130"
PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"

STEP_T0=$SECONDS
step() { printf '\n\033[1;34m==> [%4ss] %s\033[0m\n' "$((SECONDS - STEP_T0))" "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf '\n\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }
trap 'die "step failed at ${BASH_SOURCE[0]}:${LINENO}: $BASH_COMMAND"' ERR

need_root_for_apt() {
  [ "$(id -u)" = 0 ] || die "installing Debian packages needs root (or install them yourself: $*)"
}

# ensure_apt PKG...: installs the Debian packages that are missing.
ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then info "Debian packages present: $*"; return; fi
  need_root_for_apt "${missing[*]}"
  step "Installing Debian packages: ${missing[*]} (apt-get; a minute or two)"
  apt-get update -q || die "apt-get update failed: is the Debian mirror reachable?"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"
}

ensure_rust() {
  step "Rust toolchain (pinned in rust-toolchain.toml; rustup installs it on first use)"
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first (https://rustup.rs)"
  # rustup >= 1.28 no longer installs a missing pinned toolchain on first use: ask for it explicitly (it reads
  # rust-toolchain.toml, components and targets included).
  if ! cargo --version >/dev/null 2>&1; then
    step "Installing the pinned Rust toolchain (rust-toolchain.toml; about 20 s, once)"
    rustup toolchain install || die "rustup could not install the toolchain pinned in rust-toolchain.toml"
  fi
  cargo --version || die "the pinned Rust toolchain does not run"
  rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
}

# ensure_wasm_bindgen: installs wasm-bindgen-cli when it is missing, in the background (its output in a log), so
# that the browser bundles' Rust build (which does not need it) runs beside it; build_bundle waits for it
# (wait_wasm_bindgen) just before its first wasm-bindgen step.
ensure_wasm_bindgen() {
  if command -v wasm-bindgen >/dev/null && [ "$(wasm-bindgen --version | awk '{print $2}')" = "$WASM_BINDGEN_VERSION" ]; then
    info "wasm-bindgen $WASM_BINDGEN_VERSION present"
    return
  fi
  WASM_BINDGEN_LOG="${TMPDIR:-/tmp}/segnala-wasm-bindgen-install.log"
  step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io in the background (about 2 minutes on 2 cores, once; log: $WASM_BINDGEN_LOG)"
  # Without --locked: the registry snapshot reachable here may lack the exact versions of its lock file.
  # Optimisation off (release semantics otherwise): it installs in 102 s instead of 233 s on 2 cores and runs
  # in about 2 s instead of 0.6 s per bundle, with byte-identical output (docs/benchmarks.md). Without its
  # default features: they are the TLS stack its test runner downloads browser drivers with (10 s less).
  # In a temporary build folder of its own, not CARGO_TARGET_DIR: that one is locked by the server build running
  # beside it (`scripts/run`), and the install would wait for the whole server build (seen: 10 minutes).
  env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --no-default-features \
    --config 'profile.release.opt-level=0' >"$WASM_BINDGEN_LOG" 2>&1 &
  WASM_BINDGEN_PID=$!
}

# wait_wasm_bindgen: waits for the installation ensure_wasm_bindgen started, if any.
wait_wasm_bindgen() {
  [ -n "${WASM_BINDGEN_PID:-}" ] || return 0
  step "Waiting for the wasm-bindgen-cli installation"
  if ! wait "$WASM_BINDGEN_PID"; then
    tail -30 "$WASM_BINDGEN_LOG"
    die "could not install wasm-bindgen-cli $WASM_BINDGEN_VERSION (log: $WASM_BINDGEN_LOG)"
  fi
  WASM_BINDGEN_PID=
  command -v wasm-bindgen >/dev/null || die "wasm-bindgen is not on PATH after its installation (~/.cargo/bin)"
}

ensure_npm() {
  command -v npm >/dev/null || die "npm not found: install Node.js 20+ first"
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
     && [ -x node_modules/.bin/wasm-opt ]; then
    info "npm packages present"
    return
  fi
  step "Installing npm packages (leaflet, binaryen's wasm-opt, playwright-core) with npm ci"
  npm ci --no-audit --no-fund || die "npm ci failed"
}

# build_bundle NAME FEATURES [SUFFIX]: one browser bundle (Rust -> WASM -> wasm-bindgen -> wasm-opt) staged in
# $CARGO_TARGET_DIR/site-stage/NAME. The bundles share the profile wasm-release and every compiled dependency;
# they differ only in app's features. A cdylib's file name carries no feature hash, so the reporting and full
# bundles are linked under names of their own (rustc -C extra-filename=SUFFIX): each bundle's file is its own,
# whatever cargo thinks is fresh. Cargo keeps one fingerprint for app's cdylib whatever the features, so switching
# bundles recompiles app: a bundle whose sources (app/, shared/, the manifests) did not change since it was made is
# not rebuilt. wasm-bindgen and wasm-opt run in the background on a copy of the WASM, beside the next bundle's
# Rust build (whose last step, the link-time optimisation, keeps one core busy); build_site waits for them.
BUNDLE_JOBS=()
build_bundle() {
  local name="$1" features="$2" suffix="${3:-}"
  local out="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release"
  local wasm="$out/app.wasm"
  [ -n "$suffix" ] && wasm="$out/deps/app$suffix.wasm"
  local stage="$CARGO_TARGET_DIR/site-stage/$name"
  local stamp="$stage/.input-sha" sources="$stage/.sources-stamp" started="$CARGO_TARGET_DIR/.bundle-started-$name"
  if [ -f "$sources" ] && [ -f "$stage/segnala_bg.wasm" ] && [ -z "$(find app shared Cargo.toml Cargo.lock \
       rust-toolchain.toml -newer "$sources" -print -quit)" ]; then
    info "$name browser bundle: its sources did not change since it was built"
    return
  fi
  mkdir -p "$CARGO_TARGET_DIR" && touch "$started"
  step "Building the $name browser bundle (Rust -> WASM, profile wasm-release, features $features)"
  local extra=()
  [ -n "$suffix" ] && extra=(-- -C "extra-filename=$suffix")
  cargo rustc --lib -p app --target wasm32-unknown-unknown --profile wasm-release --features "$features" \
    --crate-type cdylib "${extra[@]}" || die "WASM build ($name bundle) failed"
  local sum
  sum="$(sha256sum "$wasm" | cut -c1-64)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -f "$stage/segnala_bg.wasm" ]; then
    info "WASM unchanged: skipping wasm-bindgen and wasm-opt"
    mv "$started" "$sources"
    return
  fi
  wait_wasm_bindgen
  local input="$CARGO_TARGET_DIR/site-stage/$name.input.wasm" log="$CARGO_TARGET_DIR/site-stage/$name.log"
  mkdir -p "$CARGO_TARGET_DIR/site-stage" && cp "$wasm" "$input"
  step "wasm-bindgen + wasm-opt -Oz, $name bundle, in the background (npm's binaryen; Debian's wasm-opt 108 breaks the WASM)"
  (
    rm -rf "$stage" && mkdir -p "$stage"
    wasm-bindgen --target web --no-typescript --out-name segnala --out-dir "$stage" "$input" \
      || die "wasm-bindgen failed ($name bundle)"
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types \
      --enable-sign-ext --enable-mutable-globals \
      "$stage/segnala_bg.wasm" -o "$stage/segnala_bg.opt.wasm" || die "wasm-opt failed ($name bundle)"
    mv "$stage/segnala_bg.opt.wasm" "$stage/segnala_bg.wasm"
    echo "$sum" > "$stamp"
    mv "$started" "$sources"
    rm -f "$input"
  ) >"$log" 2>&1 &
  BUNDLE_JOBS+=("$!:$name:$log")
}

# wait_bundles: waits for the bundles' wasm-bindgen and wasm-opt (build_bundle), failing with the log of one that
# failed.
wait_bundles() {
  local job pid name log
  for job in "${BUNDLE_JOBS[@]}"; do
    IFS=: read -r pid name log <<<"$job"
    if ! wait "$pid"; then
      cat "$log"
      die "wasm-bindgen or wasm-opt failed for the $name bundle (log: $log)"
    fi
  done
  BUNDLE_JOBS=()
}

# build_site: the three browser bundles under $SEGNALA_SITE_ROOT. The public one (map and report pages: what a
# citizen loads first) stays small; the reporting one adds the reporting form, the full one the signed-in pages
# (app::page_table, docs/build-notes.md).
build_site() {
  build_bundle public hydrate
  build_bundle reporting hydrate,reporting -reporting
  build_bundle full hydrate,pages -full
  wait_bundles
  step "Hashing and pre-compressing site assets (gzip + brotli)"
  python3 scripts/site.py --bundle "public=$CARGO_TARGET_DIR/site-stage/public" \
    --bundle "reporting=$CARGO_TARGET_DIR/site-stage/reporting" \
    --bundle "full=$CARGO_TARGET_DIR/site-stage/full" --site "$SEGNALA_SITE_ROOT" || die "assembling the site failed"
}

# build_server PROFILE (dev|release)
build_server() {
  local profile="$1"
  step "Building the server (profile $profile)"
  if [ "$profile" = release ]; then
    cargo build -p server --release || die "server build failed"
    SERVER_BIN="$CARGO_TARGET_DIR/release/segnala"
  else
    cargo build -p server || die "server build failed"
    SERVER_BIN="$CARGO_TARGET_DIR/debug/segnala"
  fi
}

# start_server_build PROFILE: builds the server in the background (its output in a log), so that it fills the
# cores the browser bundles' build leaves idle; wait_server_build waits for it and sets SERVER_BIN. The two use
# different folders of the build cache (target/release and target/wasm32-unknown-unknown/wasm-release), so cargo
# does not make one wait for the other.
start_server_build() {
  SERVER_PROFILE="$1"
  SERVER_LOG="$CARGO_TARGET_DIR/server-build.log"
  mkdir -p "$CARGO_TARGET_DIR"
  step "Building the server (profile $SERVER_PROFILE) in the background (log: $SERVER_LOG)"
  local flag=()
  [ "$SERVER_PROFILE" = release ] && flag=(--release)
  # At a lower priority: the bundles' builds (wasm-bindgen-cli's, then each bundle's Rust, link-time optimisation
  # and wasm-opt) have long single-core stretches, and the server's build (many crates at once until its last
  # three) fills the other core; the other way round, the server's one-core tail would end the run alone.
  nice -n 10 cargo build -p server "${flag[@]}" >"$SERVER_LOG" 2>&1 &
  SERVER_BUILD_PID=$!
}

wait_server_build() {
  step "Waiting for the server build"
  if ! wait "$SERVER_BUILD_PID"; then
    tail -40 "$SERVER_LOG"
    die "server build failed (log: $SERVER_LOG)"
  fi
  grep -E '^ *Finished' "$SERVER_LOG" | tail -1 || true
  if [ "$SERVER_PROFILE" = release ]; then
    SERVER_BIN="$CARGO_TARGET_DIR/release/segnala"
  else
    SERVER_BIN="$CARGO_TARGET_DIR/debug/segnala"
  fi
}

# audit_dependencies: Cargo.lock against the RustSec advisory database, when a copy of it is on this machine
# (SEGNALA_ADVISORY_DB, or ~/.cargo/advisory-db: a clone of https://github.com/rustsec/advisory-db). Machines
# without network (CI, air-gapped servers) have none: the step says so and the run goes on. deny.toml lists the
# advisories Segnala is not exposed to, each with its reason (docs/security.md).
audit_dependencies() {
  local db="${SEGNALA_ADVISORY_DB:-$HOME/.cargo/advisory-db}"
  if [ ! -d "$db/crates" ]; then
    step "Dependency audit: skipped (no advisory database at $db; SEGNALA_ADVISORY_DB names a clone of rustsec/advisory-db)"
    return
  fi
  step "Dependency audit: cargo deny check advisories (database of $(git -C "$db" log -1 --format=%cs 2>/dev/null || echo 'unknown date'))"
  if ! command -v cargo-deny >/dev/null; then
    step "Installing cargo-deny from crates.io (about 5 minutes on 2 cores, once)"
    # Without --locked, as for wasm-bindgen-cli: the registry snapshot may lack its lock file's exact versions.
    env -u CARGO_TARGET_DIR cargo install cargo-deny || die "could not install cargo-deny"
  fi
  # cargo-deny reads a database at DB-PATH/advisory-db-<hash of its URL>: the copy is linked there, and the
  # configuration points at it (a copy of deny.toml with that path).
  local dbs="$CARGO_TARGET_DIR/advisory-dbs"
  mkdir -p "$dbs"
  ln -sfn "$(cd "$db" && pwd)" "$dbs/advisory-db-3157b0e258782691"
  sed "s|^db-path = .*|db-path = \"$dbs\"|" deny.toml > "$dbs/deny.toml"
  # The graph covers every platform's crates; cargo fetches those it lacks from the registry, then cargo-deny
  # runs offline (it would otherwise try to update the database from GitHub).
  cargo fetch --locked >/dev/null 2>&1 || die "cargo fetch failed: the crate registry must be reachable for the audit"
  cargo deny --offline --log-level error --config "$dbs/deny.toml" check advisories \
    || die "the dependency audit found advisories that are new: see above, and docs/security.md"
  info "no advisory Segnala is exposed to"
}

# The private PostgreSQL cluster lives in data/ when the postgres user can reach it, else under /var/tmp.
pg_data_dir() {
  local want="$ROOT/data/pg$PG_VERSION"
  mkdir -p "$ROOT/data"
  if as_postgres test -x "$ROOT/data" 2>/dev/null; then
    echo "$want"
  else
    echo "/var/tmp/segnala-$(echo "$ROOT" | sha256sum | cut -c1-12)/pg$PG_VERSION"
  fi
}

# Commands as the postgres user run from / : started from the project folder (which postgres may not be allowed
# into) they print "could not change directory ... Permission denied".
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
pg_ctl_as_postgres() { as_postgres "$PG_BIN/pg_ctl" "$@"; }

# ensure_database: sets ADMIN_URL (a superuser connection to the server) from DATABASE_URL, or starts the
# private cluster.
ensure_database() {
  if [ -n "${DATABASE_URL:-}" ]; then
    step "Using the PostgreSQL server of DATABASE_URL"
    ADMIN_URL="$DATABASE_URL"
    PRIVATE_PG=0
    return
  fi
  PRIVATE_PG=1
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL $PG_VERSION binaries missing in $PG_BIN"
  local data
  data="$(pg_data_dir)"
  if [ ! -f "$data/PG_VERSION" ]; then
    step "Creating a private PostgreSQL $PG_VERSION cluster in $data"
    install -d -o postgres -g postgres -m 700 "$data"
    as_postgres "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || die "initdb failed"
  fi
  if pg_ctl_as_postgres -D "$data" status >/dev/null 2>&1; then
    PG_PORT="$(sed -n 4p "$data/postmaster.pid")"
    info "private PostgreSQL already running on 127.0.0.1:$PG_PORT ($data)"
  else
    # The cluster keeps the port it was first given; a new one takes SEGNALA_PG_PORT or the first free port
    # from 54329 up, so it never collides with another PostgreSQL on the machine.
    if [ -f "$data/segnala-port" ]; then
      PG_PORT="$(cat "$data/segnala-port")"
    else
      PG_PORT="${SEGNALA_PG_PORT:-}"
      [ -n "$PG_PORT" ] || PG_PORT="$(python3 "$ROOT/scripts/free_port.py" 54329 54429)"
      echo "$PG_PORT" > "$data/segnala-port"
      chown postgres:postgres "$data/segnala-port"
    fi
    step "Starting the private PostgreSQL on 127.0.0.1:$PG_PORT"
    pg_ctl_as_postgres -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1" start >/dev/null \
      || die "PostgreSQL did not start on port $PG_PORT; see $data/server.log"
  fi
  ADMIN_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

# db_url NAME: a URL for database NAME on the same server as ADMIN_URL.
db_url() {
  python3 - "$ADMIN_URL" "$1" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit((p.scheme, p.netloc, "/" + sys.argv[2], p.query, p.fragment)))
PY
}

psql_admin() { psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }

# ensure_db_exists NAME
ensure_db_exists() {
  if [ "$(psql_admin -c "select 1 from pg_database where datname = '$1'")" != 1 ]; then
    info "creating database $1"
    psql_admin -c "create database \"$1\"" || die "cannot create database $1"
  fi
}
