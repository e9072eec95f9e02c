#!/usr/bin/env bash
# Independent Modbus TCP peers for the integration tests (test/integration/collectors/modbus/):
#
#   python3-pymodbus   Debian's pymodbus 3.0.x, run with /usr/bin/python3 (the python3 on PATH may be
#                      a pyenv build without Debian's modules: stack-feasibility P6). Test SERVER.
#                      pymodbus.server imports `serial` and `serial_asyncio` at import time, which
#                      Debian lists only as Recommends: python3-serial-asyncio is installed with it.
#   mbpoll             libmodbus command-line master (C). Test CLIENT of Aforo's Modbus simulator.
#
#   bash .ci/provision-peers.sh        install whichever is missing (root, Debian/Ubuntu), idempotent
#
# Everything is reported on stderr. `apt-get update` runs only when needed: when a package has no
# install candidate, or when installing from the current lists fails (stale lists → 404). It shares
# the one-update-per-hour stamp with db-local.sh/test-full.sh (.ci/.work/apt-update.stamp).
# Exit 0 when both peers work afterwards, 1 otherwise (with the reason).
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
ROOT="$(cd "$(dirname "$SELF")/.." && pwd)"
STATE_DIR="$ROOT/.ci/.work"
APT_STAMP="$STATE_DIR/apt-update.stamp"
PYTHON=/usr/bin/python3
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C
exec 1>&2

T0=$(date +%s%N)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
fmt_ms() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }
log() { printf '[provision-peers %7s] %s\n' "$(fmt_ms "$(ms_since "$T0")")" "$*"; }
die() { log "ERROR: $*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
pkg_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }
pkg_candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -v '(none)' || true; }

pymodbus_works() { [ -x "$PYTHON" ] && "$PYTHON" -c 'import pymodbus.server, pymodbus.datastore' >/dev/null 2>&1; }
pymodbus_version() { "$PYTHON" -c 'import pymodbus; print(pymodbus.__version__)' 2>/dev/null || echo "?"; }
mbpoll_works() { have mbpoll && mbpoll -V >/dev/null 2>&1; }
mbpoll_version() { dpkg-query -W -f='${Version}' mbpoll 2>/dev/null || echo "?"; }

APT_UPDATED=0
apt_update() {
  [ "$APT_UPDATED" -eq 1 ] && return 0
  mkdir -p "$STATE_DIR"
  if [ -f "$APT_STAMP" ] && [ $(( $(date +%s) - $(stat -c %Y "$APT_STAMP") )) -lt 3600 ]; then
    log "apt lists updated less than an hour ago (stamp $APT_STAMP): no apt-get update"
    APT_UPDATED=1; return 0
  fi
  local t; t=$(date +%s%N)
  log "> apt-get update"
  apt-get -q -o DPkg::Lock::Timeout=300 update >/dev/null || { log "< apt-get update FAILED"; return 1; }
  touch "$APT_STAMP"
  APT_UPDATED=1
  log "< apt-get update: $(fmt_ms "$(ms_since "$t")")"
}
apt_install() {
  local t; t=$(date +%s%N)
  log "> apt-get install $*"
  if apt-get install -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 --no-install-recommends "$@" >/dev/null; then
    log "< apt-get install $*: $(fmt_ms "$(ms_since "$t")")"; return 0
  fi
  log "< apt-get install $*: FAILED after $(fmt_ms "$(ms_since "$t")")"; return 1
}

MISSING=()
if pymodbus_works; then log "python3-pymodbus: present ($PYTHON, pymodbus $(pymodbus_version)), nothing to do"
else MISSING+=(python3-pymodbus python3-serial-asyncio); fi
if mbpoll_works; then log "mbpoll: present ($(command -v mbpoll), $(mbpoll_version)), nothing to do"
else MISSING+=(mbpoll); fi

# openssl (CLI) makes the throwaway TLS certificate of the HTTPS e2e test (issue #5, A30-SEC-18).
if command -v openssl >/dev/null 2>&1; then log "openssl: present ($(openssl version 2>/dev/null))"
else MISSING+=(openssl); fi

if [ "${#MISSING[@]}" -eq 0 ]; then
  log "done: nothing installed"
  exit 0
fi

log "missing: ${MISSING[*]}"
is_root || die "installing ${MISSING[*]} needs root (apt-get); run: sudo bash .ci/provision-peers.sh"
have apt-get || die "apt-get not available: install ${MISSING[*]} by other means (Debian packages python3-pymodbus, mbpoll)"

NEED_UPDATE=0
for pkg in "${MISSING[@]}"; do
  if [ -z "$(pkg_candidate "$pkg")" ]; then log "$pkg: no install candidate in the current apt lists"; NEED_UPDATE=1; fi
done
if [ "$NEED_UPDATE" -eq 1 ]; then apt_update || die "apt-get update failed"; fi

if ! apt_install "${MISSING[@]}"; then
  # Stale lists (404 on the mirror) are the usual cause: update once and retry.
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "retrying after apt-get update"
    rm -f "$APT_STAMP"
    apt_update || die "apt-get update failed"
    apt_install "${MISSING[@]}" || die "apt-get install ${MISSING[*]} failed"
  else
    die "apt-get install ${MISSING[*]} failed"
  fi
fi

FAIL=0
if pymodbus_works; then log "python3-pymodbus: OK (pymodbus $(pymodbus_version) under $PYTHON)"
else log "python3-pymodbus: still not importable by $PYTHON"; FAIL=1; fi
if mbpoll_works; then log "mbpoll: OK ($(mbpoll_version))"
else log "mbpoll: still not runnable"; FAIL=1; fi
[ "$FAIL" -eq 0 ] || die "peers not available"
log "done: installed ${MISSING[*]}"
