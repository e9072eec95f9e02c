#!/usr/bin/env bash
# Throwaway PostgreSQL (+ TimescaleDB, Apache-2 edition) cluster for the test suites.
#
#   bash .ci/db-local.sh          provision what is missing (as root, Debian/Ubuntu), start a cluster
#                                 on a free port of 127.0.0.1 and print its URL as the LAST stdout line:
#                                 postgres://postgres@127.0.0.1:PORT/aforo
#   bash .ci/db-local.sh stop     stop that cluster (pg_ctl -m fast) and delete its data directory
#   bash .ci/db-local.sh status   print the URL if the recorded cluster is running (exit 1 if not)
#
# Everything but the URL goes to stderr. State: .ci/.work/db-local.env (git-ignored).
# TimescaleDB is built from Debian trixie's source package against the installed server when the
# server has no timescaledb.control (recipe A of research/timescaledb-ci.md: private deb-src index,
# headers extracted from postgresql-server-dev-NN (never installed), headers <= server version,
# APACHE_ONLY). If that fails, plain PostgreSQL is started and the reason is printed.
#
# Environment knobs (all optional):
#   AFORO_DB_NO_TIMESCALEDB=1   never build/preload TimescaleDB
#   AFORO_DB_NO_PG_UPGRADE=1    if no server headers <= the installed server exist on the mirror,
#                               do not upgrade postgresql-NN to match (plain PostgreSQL instead)
#   AFORO_TSDB_BUILD_DIR        build directory (default /tmp/aforo-tsdb-build)
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
ROOT="$(cd "$(dirname "$SELF")/.." && pwd)"
STATE_DIR="$ROOT/.ci/.work"
STATE="$STATE_DIR/db-local.env"
APT_STAMP="$STATE_DIR/apt-update.stamp"
BUILD_DIR="${AFORO_TSDB_BUILD_DIR:-/tmp/aforo-tsdb-build}"
DB_NAME=aforo
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

# stdout is reserved for the URL: keep a handle on it as fd 3, send everything else to stderr.
exec 3>&1 1>&2

T0=${AFORO_DB_T0:-$(date +%s%N)}; export AFORO_DB_T0=$T0
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
fmt_ms() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }
log() { printf '[db-local %7s] %s\n' "$(fmt_ms "$(ms_since "$T0")")" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# timed NAME CMD...: run CMD, log its wall time; returns CMD's status.
timed() {
  local name=$1; shift
  local t; t=$(date +%s%N)
  log "> $name"
  local rc=0
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then log "< $name: $(fmt_ms "$(ms_since "$t")")"; else log "< $name: FAILED (exit $rc) after $(fmt_ms "$(ms_since "$t")")"; fi
  return "$rc"
}

is_root() { [ "$(id -u)" -eq 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }

# Run a command as the postgres OS user (initdb refuses root), from a directory it can enter.
# fds 3 (our real stdout, maybe a $(...) pipe) and 9 (the lock) are closed: the postmaster
# must not inherit them, or a caller's $(...) would never end and the lock never be released.
as_pg() {
  if is_root; then
    if have runuser; then (cd /tmp && runuser -u postgres -- "$@") 3>&- 9>&-
    else (cd /tmp && su postgres -s /bin/sh -c "$(printf '%q ' "$@")") 3>&- 9>&-; fi
  else
    (cd /tmp && "$@") 3>&- 9>&-
  fi
}

pkg_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }
pkg_candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -v '(none)' || true; }

APT_UPDATED=0
apt_update_once() {
  [ "$APT_UPDATED" -eq 1 ] && return 0
  mkdir -p "$STATE_DIR"
  # Shared with test-full.sh: one `apt-get update` per CI run (stamp younger than one hour).
  if [ -f "$APT_STAMP" ] && [ $(( $(date +%s) - $(stat -c %Y "$APT_STAMP") )) -lt 3600 ]; then
    APT_UPDATED=1; return 0
  fi
  timed "apt-get update" apt-get -q -o DPkg::Lock::Timeout=300 update >/dev/null || return 1
  touch "$APT_STAMP"
  APT_UPDATED=1
}
apt_install() {
  apt_update_once || return 1
  apt-get install -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 --no-install-recommends "$@" >/dev/null
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL server: use what is installed (15 preferred), else install PostgreSQL 15 from apt.
# ---------------------------------------------------------------------------------------------
pg_major() {
  if [ -x /usr/lib/postgresql/15/bin/postgres ]; then echo 15; return; fi
  local p
  p=$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sed -E 's#^/usr/lib/postgresql/([^/]+)/bin/postgres$#\1#' | sort -V | tail -n1 || true)
  echo "${p:-}"
}

install_postgresql() {
  is_root || die "PostgreSQL is not installed and this is not root: install postgresql-15 (apt) or run as root"
  have apt-get || die "PostgreSQL is not installed and apt-get is not available"
  apt_update_once || return 1
  if [ -n "$(pkg_candidate postgresql-15)" ]; then
    local pkgs=(postgresql-15 postgresql-client-15)
    # postgresql-contrib is a metapackage for the distribution's default major: only add it when
    # that major is 15 (otherwise it would pull in a second server).
    if apt-cache depends postgresql-contrib 2>/dev/null | grep -q 'Depends: postgresql-15$'; then pkgs+=(postgresql-contrib); fi
    apt_install "${pkgs[@]}"
  else
    log "postgresql-15 is not available from apt here; installing the distribution's default major"
    apt_install postgresql postgresql-contrib
  fi
}

# ---------------------------------------------------------------------------------------------
# TimescaleDB build (runs as a separate process: `db-local.sh __build-timescaledb MAJOR`).
# ---------------------------------------------------------------------------------------------
tsdb_installed() { # MAJOR
  local share lib
  share=/usr/share/postgresql/$1/extension; lib=/usr/lib/postgresql/$1/lib
  [ -f "$share/timescaledb.control" ] && [ -f "$lib/timescaledb.so" ]
}

build_timescaledb() { # MAJOR   (set -e applies: this is its own process)
  local M=$1 W=$BUILD_DIR
  is_root || { log "not root: cannot install build tools or write into the PostgreSQL directories"; return 1; }
  have apt-get || { log "apt-get not available"; return 1; }
  case "$W" in /root|/root/*) log "build dir $W must not be under /root"; return 1 ;; esac
  rm -rf "$W"; mkdir -p "$W/apt/lists/partial" "$W/src"; chmod 755 "$W"

  # 1. build tools + keyring; --no-upgrade so that nothing already installed (libc, libpq,
  #    PostgreSQL, libssl) is upgraded. libpq-dev is not needed (headers come from step 4).
  local want=(cmake make gcc libc6-dev libssl-dev dpkg-dev xz-utils) missing=() p
  [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || want+=(debian-archive-keyring)
  for p in "${want[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    timed "install build tools: ${missing[*]}" apt_install --no-upgrade "${missing[@]}"
  else
    log "build tools already present"
  fi

  # 2. private trixie deb-src index (system apt configuration untouched)
  echo 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' >"$W/apt/sources.list"
  local APTX=(-o Dir::Etc::SourceList="$W/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$W/apt/lists")
  timed "private trixie deb-src index" apt-get "${APTX[@]}" -qq update

  # 3. timescaledb source (Debian's +dfsg: Apache-2 code only, Debian patches applied)
  fetch_source() { (cd "$W/src" && apt-get "${APTX[@]}" -qq source timescaledb >"$W/source.log" 2>&1) || { tail -n 20 "$W/source.log"; return 1; }; }
  timed "apt-get source timescaledb (trixie)" fetch_source
  local SRC; SRC=$(ls -d "$W"/src/timescaledb-*/ | head -n1)
  [ -n "$SRC" ] || { log "no timescaledb source directory"; return 1; }
  log "source: $(basename "$SRC")"

  # 4. server headers from postgresql-server-dev-$M: downloaded + extracted, NEVER installed
  #    (installing it upgrades the server and pulls clang/llvm). They must not be newer than the
  #    running server (newer headers => "undefined symbol" at load => server does not start).
  apt_update_once || return 1
  local PGV HV
  PGV=$(dpkg-query -W -f='${Version}' "postgresql-$M" 2>/dev/null || true)
  [ -n "$PGV" ] || { log "postgresql-$M is not a dpkg package here; cannot pick matching headers"; return 1; }
  pick_headers() {
    apt-cache madison "postgresql-server-dev-$M" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' | sort -u | sort -rV |
      while read -r v; do if dpkg --compare-versions "$v" le "$PGV"; then echo "$v"; break; fi; done || true
  }
  HV=$(pick_headers)
  if [ -z "$HV" ]; then
    local NEWEST; NEWEST=$(pkg_candidate "postgresql-server-dev-$M")
    if [ -n "$NEWEST" ] && [ "${AFORO_DB_NO_PG_UPGRADE:-0}" != 1 ] && [ "$(pkg_candidate "postgresql-$M")" = "$NEWEST" ]; then
      log "the mirror has no postgresql-server-dev-$M <= server $PGV; UPGRADING postgresql-$M to $NEWEST so that headers match (set AFORO_DB_NO_PG_UPGRADE=1 to refuse)"
      timed "upgrade postgresql-$M to $NEWEST" apt_install --only-upgrade "postgresql-$M=$NEWEST" "postgresql-client-$M=$NEWEST"
      PGV=$(dpkg-query -W -f='${Version}' "postgresql-$M"); HV=$(pick_headers)
    fi
  fi
  [ -n "$HV" ] || { log "no postgresql-server-dev-$M <= $PGV on the mirror (fix: apt-get update && apt-get install postgresql-$M, then rerun)"; return 1; }
  log "server postgresql-$M $PGV, headers postgresql-server-dev-$M $HV"
  get_headers() {
    (cd "$W" && apt-get -q download "postgresql-server-dev-$M=$HV" >"$W/download.log" 2>&1) || { tail -n 20 "$W/download.log"; return 1; }
    dpkg-deb -x "$W"/postgresql-server-dev-"${M}"_*.deb "$W/pgdev"
  }
  timed "download + extract postgresql-server-dev-$M $HV" get_headers
  local INC="$W/pgdev/usr/include/postgresql/$M/server"
  [ -f "$INC/pg_config.h" ] || { log "no pg_config.h in $INC"; return 1; }

  # 5. configure. pg_config of the same major (postgresql-client-$M) for flags/version; every
  #    directory passed explicitly so nothing depends on libpq-dev's pg_config.
  local PGC=/usr/lib/postgresql/$M/bin/pg_config
  if [ ! -x "$PGC" ]; then PGC=/usr/bin/pg_config.libpq-dev; fi
  "$PGC" --version | grep -q " $M\." || { log "$PGC is not PostgreSQL $M ($("$PGC" --version))"; return 1; }
  configure() {
    cmake -S "$SRC" -B "$W/build" -DCMAKE_BUILD_TYPE=Release \
      -DPG_CONFIG="$PGC" \
      -DPG_INCLUDEDIR_SERVER="$INC" -DPG_INCLUDEDIR="$INC" \
      -DPG_PKGLIBDIR="/usr/lib/postgresql/$M/lib" -DPG_SHAREDIR="/usr/share/postgresql/$M" \
      -DPG_BINDIR="/usr/lib/postgresql/$M/bin" \
      -DAPACHE_ONLY=ON -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF \
      -DSEND_TELEMETRY_DEFAULT=OFF -DUSE_TELEMETRY=OFF -DENABLE_DEBUG_UTILS=OFF -DLINTER=OFF \
      >"$W/cmake.log" 2>&1 || { tail -n 30 "$W/cmake.log"; return 1; }
  }
  timed "cmake configure" configure

  # 6./7. build + install into /usr/lib/postgresql/$M/lib and /usr/share/postgresql/$M/extension
  # (make prints "fatal: not a git repository" from a git-describe step: harmless, kept in the log)
  build() { make -C "$W/build" -j"$(nproc)" >"$W/make.log" 2>&1 || { grep -E 'error|Error' "$W/make.log" | tail -n 30; return 1; }; }
  timed "make -j$(nproc) (TimescaleDB build)" build
  install_files() { make -C "$W/build" install >"$W/install.log" 2>&1 || { tail -n 20 "$W/install.log"; return 1; }; }
  timed "make install" install_files
  tsdb_installed "$M" || { log "make install did not produce timescaledb.control/.so for PostgreSQL $M"; return 1; }
  rm -rf "$W"   # 90 MB of build material; the installed extension stays
}

# ---------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------
port_busy() { timeout 2 bash -c "exec 8<>/dev/tcp/127.0.0.1/$1" 2>/dev/null 9>&-; }
free_port() { # random start in 55000-55999, first port nothing listens on
  local start=$(( 55000 + RANDOM % 1000 )) i p
  for i in $(seq 0 999); do
    p=$(( 55000 + (start - 55000 + i) % 1000 ))
    port_busy "$p" || { echo "$p"; return 0; }
  done
  return 1
}

read_state() { # sets S_* from the state file; returns 1 if none
  [ -f "$STATE" ] || return 1
  S_BASE=; S_PGDATA=; S_PGBIN=; S_PORT=; S_PID=; S_URL=
  # shellcheck disable=SC1090
  . "$STATE"
}

state_running() {
  read_state || return 1
  [ -n "${S_PID:-}" ] && [ -n "${S_PGDATA:-}" ] && kill -0 "$S_PID" 2>/dev/null || return 1
  [ -f "$S_PGDATA/postmaster.pid" ] && [ "$(head -n1 "$S_PGDATA/postmaster.pid")" = "$S_PID" ] || return 1
  "$S_PGBIN/pg_isready" -q -h 127.0.0.1 -p "$S_PORT" -t 5 >/dev/null 2>&1
}

safe_rm_base() {
  case "$1" in /tmp/aforo-pg.*) rm -rf -- "$1" ;; *) log "refusing to delete unexpected directory '$1'" ;; esac
}

stop_cluster() {
  if ! read_state; then log "no recorded cluster ($STATE): nothing to stop"; return 0; fi
  if [ -n "${S_PGDATA:-}" ] && [ -f "$S_PGDATA/postmaster.pid" ]; then
    if ! timed "pg_ctl stop -m fast (port $S_PORT)" as_pg "$S_PGBIN/pg_ctl" -D "$S_PGDATA" -m fast -w -t 60 stop >/dev/null; then
      if [ -n "${S_PID:-}" ] && kill -0 "$S_PID" 2>/dev/null; then log "pg_ctl failed; sending SIGQUIT to postmaster $S_PID"; kill -QUIT "$S_PID" || true; sleep 1; fi
    fi
  else
    log "cluster on port ${S_PORT:-?} was not running"
  fi
  [ -n "${S_BASE:-}" ] && safe_rm_base "$S_BASE"
  rm -f "$STATE"
  log "stopped; data directory ${S_BASE:-?} deleted"
}

write_conf() { # PGDATA PORT RUNDIR WITH_TSDB
  {
    echo "# --- aforo test cluster (.ci/db-local.sh) ---"
    echo "port = $2"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$3'"
    echo "max_connections = 200"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "max_worker_processes = 16"
    echo "log_min_messages = warning"
    if [ "$4" = 1 ]; then
      echo "shared_preload_libraries = 'timescaledb'"
      echo "timescaledb.telemetry_level = off"
    fi
  } >"$1/postgresql.auto.conf"
}

start_cluster() { # MAJOR WITH_TSDB
  local M=$1 WITH_TSDB=$2 PGBIN=/usr/lib/postgresql/$1/bin
  id postgres >/dev/null 2>&1 || ! is_root || die "no 'postgres' OS user (PostgreSQL packages incomplete?)"
  local BASE; BASE=$(mktemp -d /tmp/aforo-pg.XXXXXX)
  chmod 755 "$BASE"
  is_root && chown postgres: "$BASE"
  local PGDATA="$BASE/data" RUN="$BASE/run" LOGF="$BASE/postgres.log"
  as_pg mkdir -p "$RUN"
  init() {
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$BASE/initdb.log" 2>&1 ||
      { log "initdb with C.UTF-8 failed; retrying with locale C"; as_pg rm -rf "$PGDATA"; as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$BASE/initdb.log" 2>&1; } ||
      { tail -n 20 "$BASE/initdb.log"; return 1; }
  }
  timed "initdb (PostgreSQL $M)" init || { safe_rm_base "$BASE"; die "initdb failed"; }

  local PORT attempt started=0
  for attempt in 1 2 3 4 5; do
    PORT=$(free_port) || die "no free port in 55000-55999"
    write_conf "$PGDATA" "$PORT" "$RUN" "$WITH_TSDB"
    # postgresql.auto.conf is owned by root if we wrote it as root
    is_root && chown postgres: "$PGDATA/postgresql.auto.conf"
    if timed "pg_ctl start (port $PORT, timescaledb preload: $([ "$WITH_TSDB" = 1 ] && echo on || echo off))" \
         as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOGF" -w -t 60 start >/dev/null; then
      started=1; break
    fi
    tail -n 15 "$LOGF" >&2 || true
    if grep -q 'could not bind\|Address already in use' "$LOGF" 2>/dev/null; then log "port $PORT taken meanwhile; trying another"; continue; fi
    if [ "$WITH_TSDB" = 1 ]; then
      log "WARNING: the server does not start with shared_preload_libraries='timescaledb' (see above); starting PLAIN PostgreSQL without TimescaleDB"
      WITH_TSDB=0; continue
    fi
    break
  done
  [ "$started" = 1 ] || { safe_rm_base "$BASE"; die "PostgreSQL $M did not start (log above)"; }
  # Recorded at once, so that `stop` can clean up even if a later step fails.
  local TSDB_INFO="pending"
  write_state() {
    S_PID=$(head -n1 "$PGDATA/postmaster.pid"); S_URL="postgres://postgres@127.0.0.1:$PORT/$DB_NAME"
    mkdir -p "$STATE_DIR"
    {
      echo "# written by .ci/db-local.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); 'bash .ci/db-local.sh stop' removes it"
      printf 'S_URL=%q\nS_PORT=%q\nS_PID=%q\nS_BASE=%q\nS_PGDATA=%q\nS_PGBIN=%q\nS_MAJOR=%q\nS_TIMESCALEDB=%q\n' \
        "$S_URL" "$PORT" "$S_PID" "$BASE" "$PGDATA" "$PGBIN" "$M" "$TSDB_INFO"
    } >"$STATE"
  }
  write_state

  local PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres)
  TSDB_INFO="none"
  if [ "$WITH_TSDB" = 1 ]; then
    # Prove the extension really loads (CREATE EXTENSION loads the versioned library), in a
    # scratch database that is dropped again; `aforo` itself is left for the migrations.
    check_tsdb() {
      "${PSQL[@]}" -d postgres -c "CREATE DATABASE aforo_tsdb_check" &&
        TSDB_INFO=$("${PSQL[@]}" -d aforo_tsdb_check -At -c "CREATE EXTENSION timescaledb" \
          -c "SELECT extversion || ' (license=' || current_setting('timescaledb.license') || ')' FROM pg_extension WHERE extname='timescaledb'") &&
        "${PSQL[@]}" -d postgres -c "DROP DATABASE aforo_tsdb_check"
    }
    if ! timed "check CREATE EXTENSION timescaledb" check_tsdb; then
      log "WARNING: CREATE EXTENSION timescaledb fails on this server; restarting as PLAIN PostgreSQL without TimescaleDB"
      as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true
      write_conf "$PGDATA" "$PORT" "$RUN" 0; is_root && chown postgres: "$PGDATA/postgresql.auto.conf"
      timed "pg_ctl start (plain)" as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOGF" -w -t 60 start >/dev/null || { rm -f "$STATE"; safe_rm_base "$BASE"; die "PostgreSQL did not restart"; }
      WITH_TSDB=0; TSDB_INFO="none"
    fi
  fi
  timed "CREATE DATABASE $DB_NAME" "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB_NAME" || die "CREATE DATABASE $DB_NAME failed"

  write_state
  local PID=$S_PID URL=$S_URL
  log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (pid $PID, data $PGDATA, log $LOGF); TimescaleDB: $TSDB_INFO"
  [ "$WITH_TSDB" = 1 ] || log "NOTE: TimescaleDB is NOT available on this cluster: suites run against plain PostgreSQL"
  echo "$URL" >&3
}

main_start() {
  if state_running; then
    log "cluster already running (pid $S_PID, port $S_PORT, TimescaleDB: ${S_TIMESCALEDB:-?})"
    echo "$S_URL" >&3
    return 0
  fi
  if read_state; then log "stale state file (cluster not running): cleaning up"; stop_cluster; fi

  local M; M=$(pg_major)
  if [ -z "$M" ]; then
    timed "install PostgreSQL" install_postgresql || die "could not install PostgreSQL"
    M=$(pg_major)
    [ -n "$M" ] || die "PostgreSQL installed but no /usr/lib/postgresql/*/bin/postgres found"
  fi
  log "PostgreSQL major $M ($(/usr/lib/postgresql/"$M"/bin/postgres --version))"

  local WITH_TSDB=1
  if [ "${AFORO_DB_NO_TIMESCALEDB:-0}" = 1 ]; then
    WITH_TSDB=0; log "AFORO_DB_NO_TIMESCALEDB=1: not using TimescaleDB"
  elif tsdb_installed "$M"; then
    log "TimescaleDB already installed for PostgreSQL $M"
  elif timed "build + install TimescaleDB for PostgreSQL $M" bash "$SELF" __build-timescaledb "$M"; then
    :
  else
    WITH_TSDB=0
    log "WARNING: TimescaleDB could NOT be built/installed (reason above; logs in $BUILD_DIR). Starting PLAIN PostgreSQL without TimescaleDB."
  fi
  start_cluster "$M" "$WITH_TSDB"
  log "done in $(fmt_ms "$(ms_since "$T0")")"
}

with_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/db-local.lock"
  if have flock; then flock -w 1800 9 || die "another db-local.sh is still running (lock $STATE_DIR/db-local.lock)"; fi
  "$@"
}

case "${1:-start}" in
  start) with_lock main_start ;;
  stop) with_lock stop_cluster ;;
  status) if state_running; then echo "$S_URL" >&3; else log "not running"; exit 1; fi ;;
  __build-timescaledb) build_timescaledb "${2:?major}" ;;
  *) die "usage: bash .ci/db-local.sh [start|stop|status]" ;;
esac
