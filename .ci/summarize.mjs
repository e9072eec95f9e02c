#!/usr/bin/env node
// Sums the JSON reports of the test suites and prints `N passed, N failed[, N skipped]` as the
// LAST stdout line (details go to stderr). Exit 0 only if every suite reported and none failed.
//
//   node .ci/summarize.mjs \
//     --suite "unit+integration:vitest:.ci/.work/reports/vitest.json:0" \
//     --suite "e2e:playwright:.ci/.work/reports/playwright.json:1" \
//     [--skipped-suite "e2e:no tests yet"] [--fail "database could not be provisioned"]
//
// A suite whose report is missing or unreadable (it crashed before reporting) counts as one
// failure; so does a suite that exited non-zero without any failing test in its report
// (unhandled error, timeout, config error). Playwright's "No tests found" counts as zero tests.
import { existsSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
const suites = [];
const infraFailures = [];
const notes = [];
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  const value = args[i + 1];
  if (value === undefined) usage(`${flag} needs a value`);
  i++;
  if (flag === "--suite") {
    // name:kind:file:exit — the file may contain ':' only if it is the last-but-one field
    const parts = value.split(":");
    if (parts.length < 4) usage(`bad --suite ${value}`);
    const name = parts[0];
    const kind = parts[1];
    const exit = Number(parts.at(-1));
    const file = parts.slice(2, -1).join(":");
    if (!["vitest", "playwright"].includes(kind) || !Number.isInteger(exit)) usage(`bad --suite ${value}`);
    suites.push({ name, kind, file, exit });
  } else if (flag === "--fail") {
    infraFailures.push(value);
  } else if (flag === "--skipped-suite") {
    notes.push(value);
  } else {
    usage(`unknown option ${flag}`);
  }
}

function usage(message) {
  console.error(`summarize.mjs: ${message}`);
  console.log("0 passed, 1 failed");
  process.exit(2);
}

function readJson(file) {
  if (!file || !existsSync(file)) return { error: `no report at ${file}` };
  try {
    return { data: JSON.parse(readFileSync(file, "utf8")) };
  } catch (e) {
    return { error: `unreadable report ${file}: ${e.message}` };
  }
}

const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** vitest's json reporter (Jest-compatible shape). */
function countVitest(report) {
  const passed = num(report.numPassedTests);
  let failed = num(report.numFailedTests);
  const skipped = num(report.numPendingTests) + num(report.numTodoTests);
  const problems = [];
  // A file that fails to load (import error, failing beforeAll without tests…) has status
  // "failed" but no failing assertion: count each such file as one failure.
  for (const file of Array.isArray(report.testResults) ? report.testResults : []) {
    const assertions = Array.isArray(file.assertionResults) ? file.assertionResults : [];
    if (file.status === "failed" && !assertions.some((a) => a.status === "failed")) {
      failed += 1;
      problems.push(`file failed without a failing test: ${file.name}: ${String(file.message ?? "").split("\n")[0]}`);
    }
  }
  return { passed, failed, skipped, problems, total: num(report.numTotalTests) };
}

/** Playwright's json reporter: stats {expected, unexpected, flaky, skipped} + global errors. */
function countPlaywright(report) {
  const s = report.stats ?? {};
  const passed = num(s.expected) + num(s.flaky); // flaky = failed first, passed on retry
  let failed = num(s.unexpected);
  const skipped = num(s.skipped);
  const problems = [];
  if (num(s.flaky)) problems.push(`${s.flaky} flaky test(s) passed on retry`);
  const errors = (Array.isArray(report.errors) ? report.errors : []).filter((e) => !/No tests found/i.test(String(e?.message ?? "")));
  if (errors.length) {
    failed += errors.length;
    for (const e of errors) problems.push(`global error: ${String(e?.message ?? e).split("\n")[0]}`);
  }
  const noTests = (report.errors ?? []).some((e) => /No tests found/i.test(String(e?.message ?? "")));
  return { passed, failed, skipped, problems, noTests, total: passed + failed + skipped };
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const suite of suites) {
  const { data, error } = readJson(suite.file);
  if (error) {
    failed += 1;
    console.error(`[summary] ${suite.name}: CRASHED before reporting (exit ${suite.exit}; ${error}) -> counted as 1 failed`);
    continue;
  }
  const c = suite.kind === "vitest" ? countVitest(data) : countPlaywright(data);
  let f = c.failed;
  if (suite.exit !== 0 && f === 0 && !(suite.kind === "playwright" && c.noTests && c.total === 0)) {
    f = 1;
    c.problems.push(`exited ${suite.exit} without a failing test in its report (unhandled error, timeout or crash) -> counted as 1 failed`);
  }
  if (suite.kind === "playwright" && c.noTests && c.total === 0) c.problems.push("no tests found (counted as zero)");
  passed += c.passed;
  failed += f;
  skipped += c.skipped;
  console.error(`[summary] ${suite.name}: ${c.passed} passed, ${f} failed, ${c.skipped} skipped (exit ${suite.exit})`);
  for (const p of c.problems) console.error(`[summary]   ${p}`);
}
for (const note of notes) console.error(`[summary] skipped suite: ${note}`);
for (const reason of infraFailures) {
  failed += 1;
  console.error(`[summary] FAILED: ${reason} -> counted as 1 failed`);
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed === 0 && suites.length > 0 ? 0 : 1);
