/**
 * Which SAT reports the server generates on its own (issue #6 item 7; A30-RPT-01/02, Anexo 30
 * 30.6.1.4): the daily report of each installation once its daily cut exists, and the monthly
 * report once the cut of the month's last day exists. Pure: the caller passes the complete cut
 * dates it found and the reports already stored; a report already generated (any version) is never
 * generated again here — a re-generation is a person's decision (a new version, A30-RPT-05).
 */

export interface InstallationCuts {
  installationKey: string;
  /** Report dates (AAAA-MM-DD) whose daily cut is complete (every tank of the installation). */
  cutDates: readonly string[];
}

export interface PlannedReport {
  kind: "daily" | "monthly";
  installationKey: string;
  /** Daily: AAAA-MM-DD; monthly: AAAA-MM. */
  period: string;
}

/** `daily/<key>/<date>` or `monthly/<key>/<AAAA-MM>`: the identity of a stored report. */
export function reportIdentity(kind: "daily" | "monthly", installationKey: string, period: string): string {
  return `${kind}/${installationKey}/${period}`;
}

/** The last day of the month of an AAAA-MM-DD date. */
export function lastDayOfMonthOf(date: string): string {
  const [year, month] = date.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/**
 * Daily reports for every complete cut date without a report, oldest first; a monthly report for
 * every month whose last day is among the cut dates and has none. Monthly after the daily ones of
 * the same installation (the month's last day first gets its daily report).
 */
export function planScheduledReports(installations: readonly InstallationCuts[], existing: ReadonlySet<string>): PlannedReport[] {
  const plan: PlannedReport[] = [];
  for (const installation of installations) {
    const dates = [...new Set(installation.cutDates)].sort();
    for (const date of dates) {
      if (!existing.has(reportIdentity("daily", installation.installationKey, date))) plan.push({ kind: "daily", installationKey: installation.installationKey, period: date });
    }
    for (const date of dates) {
      if (lastDayOfMonthOf(date) !== date) continue;
      const month = date.slice(0, 7);
      if (!existing.has(reportIdentity("monthly", installation.installationKey, month))) plan.push({ kind: "monthly", installationKey: installation.installationKey, period: month });
    }
  }
  return plan;
}
