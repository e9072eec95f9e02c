#!/usr/bin/env bash
# npm run test:full — the README's test command (`npm ci && npm run test:full`).
#
# 1. provisions Chromium (apt, Debian's `chromium`) when /usr/bin/chromium is missing;
# 2. starts a throwaway PostgreSQL + TimescaleDB cluster (.ci/db-local.sh) -> TEST_DATABASE_URL;
# 3. runs the vitest projects unit + integration (JSON report), then the Playwright e2e suite
#    (playwright.config.ts starts its own server; JSON report);
# 4. stops the cluster (also on any exit, via trap) and prints `N passed, N failed[, N skipped]`
#    as the very LAST stdout line (.ci/summarize.mjs). Exit 0 only if every suite ran and none failed.
#
# Knobs: AFORO_VITEST_TIMEOUT / AFORO_E2E_TIMEOUT (timeout(1) durations, default 40m / 30m).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/.ci/.work"
REPORTS="$WORK/reports"
APT_STAMP="$WORK/apt-update.stamp"
mkdir -p "$WORK"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
export DEBIAN_FRONTEND=noninteractive
export NEXT_TELEMETRY_DISABLED=1

T0=$(date +%s%N)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
fmt_ms() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }
log() { printf '[test-full %7s] %s\n' "$(fmt_ms "$(ms_since "$T0")")" "$*" >&2; }

FAILS=()        # infrastructure failures, each counted as one failed test
SKIPPED=()      # suites skipped on purpose (reason)
SUITES=()       # name:kind:report:exit for summarize.mjs

# ------------------------------------------------------------------------------ cluster + trap
DB_STARTED=0
stop_db() {
  if [ "$DB_STARTED" = 1 ]; then
    DB_STARTED=0
    bash "$ROOT/.ci/db-local.sh" stop || log "WARNING: stopping the database cluster failed"
  fi
}
trap 'stop_db' EXIT
trap 'log "interrupted"; stop_db; exit 130' INT TERM HUP

# ------------------------------------------------------------------------------ 1. Chromium
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  log "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
elif [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  FAILS+=("chromium is missing and cannot be installed (needs root + apt-get): e2e cannot run")
  log "${FAILS[-1]}"
else
  t=$(date +%s%N)
  # P9: apt-get update first (installing chromium also upgrades some shared libraries).
  if [ -f "$APT_STAMP" ] && [ $(( $(date +%s) - $(stat -c %Y "$APT_STAMP") )) -lt 3600 ]; then
    log "apt lists updated less than an hour ago by this script: no apt-get update"
  else
    log "> apt-get update"
    if apt-get -q -o DPkg::Lock::Timeout=300 update >/dev/null; then touch "$APT_STAMP"; else log "WARNING: apt-get update failed"; fi
    log "< apt-get update: $(fmt_ms "$(ms_since "$t")")"
  fi
  t=$(date +%s%N)
  log "> apt-get install chromium"
  if apt-get install -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 chromium >"$WORK/apt-chromium.log" 2>&1 && [ -x "$CHROMIUM" ]; then
    log "< apt-get install chromium: $(fmt_ms "$(ms_since "$t")") ($("$CHROMIUM" --version 2>/dev/null))"
  else
    tail -n 20 "$WORK/apt-chromium.log" >&2
    FAILS+=("apt-get install chromium failed (log: .ci/.work/apt-chromium.log)")
    log "${FAILS[-1]}"
  fi
fi

# ------------------------------------------------------------------------------ 1b. protocol peers
# Independent Modbus peers for the integration tests (Debian's python3-pymodbus server and mbpoll).
t=$(date +%s%N)
log "> protocol peers (.ci/provision-peers.sh)"
if bash "$ROOT/.ci/provision-peers.sh"; then
  log "< protocol peers: $(fmt_ms "$(ms_since "$t")")"
else
  FAILS+=("protocol peers (python3-pymodbus, mbpoll) could not be installed (.ci/provision-peers.sh)")
  log "${FAILS[-1]}"
fi

# ------------------------------------------------------------------------------ 2. database
t=$(date +%s%N)
log "> database (.ci/db-local.sh)"
if URL=$(bash "$ROOT/.ci/db-local.sh" | tail -n 1) && [[ "$URL" == postgres://* ]]; then
  DB_STARTED=1
  export TEST_DATABASE_URL="$URL"
  log "< database: $(fmt_ms "$(ms_since "$t")"): TEST_DATABASE_URL=$TEST_DATABASE_URL"
else
  # db-local may have started something before failing: make sure the trap cleans it up
  DB_STARTED=1
  FAILS+=("the PostgreSQL test cluster could not be started (.ci/db-local.sh): PostgreSQL suites ran without TEST_DATABASE_URL")
  log "${FAILS[-1]}"
  unset TEST_DATABASE_URL
fi

# ------------------------------------------------------------------------------ 3. typecheck
# The demo build skips Next.js's type check (next.config.ts); the whole tree is checked here.
t=$(date +%s%N)
log "> typecheck (tsc --noEmit)"
if npx tsc --noEmit -p tsconfig.json >"$WORK/typecheck.log" 2>&1; then
  log "< typecheck: ok, $(fmt_ms "$(ms_since "$t")")"
else
  head -n 40 "$WORK/typecheck.log" >&2
  FAILS+=("typecheck: tsc --noEmit found type errors (.ci/.work/typecheck.log)")
  log "${FAILS[-1]}"
fi

# ------------------------------------------------------------------------------ 3b. vitest
t=$(date +%s%N)
log "> vitest: unit + integration"
rc=0
# NO_COLOR only here: Playwright sets FORCE_COLOR for its webServer, and Node warns when both are set.
NO_COLOR=1 timeout --kill-after=30s "${AFORO_VITEST_TIMEOUT:-40m}" \
  npx vitest run --project unit --project integration --passWithNoTests \
  --reporter=default --reporter=json --outputFile="$REPORTS/vitest.json" </dev/null || rc=$?
[ "$rc" = 124 ] && log "vitest timed out after ${AFORO_VITEST_TIMEOUT:-40m}"
log "< vitest: exit $rc, $(fmt_ms "$(ms_since "$t")")"
SUITES+=("unit+integration:vitest:$REPORTS/vitest.json:$rc")

# ------------------------------------------------------------------------------ 4. playwright
t=$(date +%s%N)
PW_CONFIG=""
for c in playwright.config.ts playwright.config.mts playwright.config.js playwright.config.mjs; do
  [ -f "$c" ] && { PW_CONFIG=$c; break; }
done
E2E_FILES=$(find test/e2e -type f \( -name '*.spec.*' -o -name '*.test.*' \) 2>/dev/null | wc -l)
if [ -z "$PW_CONFIG" ]; then
  if [ "$E2E_FILES" -gt 0 ]; then
    FAILS+=("test/e2e has $E2E_FILES test file(s) but there is no playwright.config.ts")
    log "${FAILS[-1]}"
  else
    SKIPPED+=("e2e: no playwright.config.ts and no test/e2e tests yet (0 tests)")
    log "e2e: no playwright config and no e2e tests yet: skipped (counted as 0)"
  fi
else
  log "> playwright test ($PW_CONFIG, $E2E_FILES file(s) under test/e2e)"
  rc=0
  PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/playwright.json" \
    timeout --kill-after=30s "${AFORO_E2E_TIMEOUT:-30m}" \
    npx playwright test --config "$PW_CONFIG" --reporter=list,json --pass-with-no-tests </dev/null || rc=$?
  [ "$rc" = 124 ] && log "playwright timed out after ${AFORO_E2E_TIMEOUT:-30m}"
  log "< playwright: exit $rc, $(fmt_ms "$(ms_since "$t")")"
  SUITES+=("e2e:playwright:$REPORTS/playwright.json:$rc")
fi

# ------------------------------------------------------------------------------ 5. summary
stop_db
log "total $(fmt_ms "$(ms_since "$T0")")"
ARGS=()
for s in "${SUITES[@]}"; do ARGS+=(--suite "$s"); done
for s in "${SKIPPED[@]+"${SKIPPED[@]}"}"; do ARGS+=(--skipped-suite "$s"); done
for f in "${FAILS[@]+"${FAILS[@]}"}"; do ARGS+=(--fail "$f"); done
node "$ROOT/.ci/summarize.mjs" "${ARGS[@]}"
exit $?
