import { z } from "zod";
import type { Database, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { formatSeconds, type OpenAlarm } from "../../domain/diagnostics/index";
import type { Interruption } from "./gather";
import { truncate } from "./write";

/**
 * Guided self-diagnosis test (A30-DIAG-04, A31 31.2 II c)): a certifier simulates the interruption
 * of an element's communication without compromising operation.
 *
 * The interruption is software-side: collection and storage go on untouched (no reading is lost
 * or altered); only the diagnostics job treats the element's readings received after the start
 * as missing. The job then has to detect the loss the same way it detects a real one (stale
 * value → alarm type 5). At detection the test records the detection time and the alarm number
 * and ends the simulated interruption, so the next run sees the readings again and clears the
 * alarm with a "restablecido" entry (the restoration is automatic). A test not detected within
 * `selfTestTimeoutS` ends as failed, also restoring.
 *
 * State lives in `job_runs` (job 'diagnostics.self-test', status running → succeeded/failed),
 * so it survives a restart and is shared by the job and the HTTP handlers.
 */
export const SELF_TEST_JOB = "diagnostics.self-test";

export const selfTestRequestSchema = z.object({
  component: z
    .string({ error: "indique el elemento a probar (p. ej. SMD-DISP-0004 o CANAL:OPCUA-EDS-0001)" })
    .trim()
    .min(3, { error: "indique el elemento a probar (p. ej. SMD-DISP-0004 o CANAL:OPCUA-EDS-0001)" })
    .max(120),
});

export interface SelfTest {
  id: number;
  component: string;
  status: "running" | "succeeded" | "failed";
  startedAt: Date;
  deadline: Date;
  finishedAt: Date | null;
  detectionS: number | null;
  alarmId: number | null;
  startEntryId: number | null;
  resultEntryId: number | null;
  username: string;
}

interface SelfTestDetail {
  component: string;
  prefixes: string[];
  userId: number | null;
  username: string;
  installationId: number | null;
  deadline: string;
  startEntryId?: number;
  resultEntryId?: number;
  detectedAt?: string;
  detectionS?: number;
  alarmId?: number;
  outcome?: string;
}

export class SelfTestError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
  }
}

async function resolveTarget(db: SqlExecutor, component: string): Promise<{ prefixes: string[]; installationId: number | null }> {
  if (component.startsWith("CANAL:")) {
    const key = component.slice("CANAL:".length);
    const [row] = await db.query<{ installation_id: number; tags: string[] | null }>(
      "select c.installation_id, (select array_agg(g.name) from tags g where g.collector_id = c.id) as tags from collectors c where c.key = $1",
      [key],
    );
    if (!row) throw new SelfTestError(`No existe el canal de comunicación ${component}`, 404);
    if (!row.tags?.length) throw new SelfTestError(`El canal ${component} no tiene etiquetas asignadas: no hay comunicación que interrumpir`, 400);
    return { prefixes: row.tags, installationId: Number(row.installation_id) };
  }
  const [row] = await db.query<{ installation_id: number; installation_key: string; element_key: string | null; hose_keys: string[] | null }>(
    `select ms.installation_id, i.key as installation_key,
            coalesce(t.key, d.key, disp.key, h.key) as element_key,
            (select array_agg(hh.key) from hoses hh where ms.dispenser_id is not null and hh.dispenser_id = ms.dispenser_id) as hose_keys
       from measurement_systems ms join installations i on i.id = ms.installation_id
       left join tanks t on t.id = ms.tank_id left join ducts d on d.id = ms.duct_id
       left join dispensers disp on disp.id = ms.dispenser_id left join hoses h on h.id = ms.hose_id
      where ms.key = $1 order by ms.id limit 1`,
    [component],
  );
  if (!row) throw new SelfTestError(`No existe el sistema de medición ${component}`, 404);
  const elements = [component, ...(row.element_key ? [row.element_key] : []), ...(row.hose_keys ?? [])];
  return { prefixes: [...new Set(elements)].map((e) => `${row.installation_key}/${e}/`), installationId: Number(row.installation_id) };
}

export async function startSelfTest(
  db: Pick<Database, "transaction">,
  input: { component: string; userId: number | null; username: string; timeoutS: number },
  now: Date,
): Promise<SelfTest> {
  const { component } = selfTestRequestSchema.parse({ component: input.component });
  return db.transaction(async (tx) => {
    const target = await resolveTarget(tx, component);
    const [running] = await tx.query<{ id: number }>(
      "select id from job_runs where job = $1 and status = 'running' and detail->>'component' = $2",
      [SELF_TEST_JOB, component],
    );
    if (running) throw new SelfTestError(`Ya hay una prueba de autodiagnóstico en curso para ${component} (prueba ${running.id})`, 409);
    const deadline = new Date(now.getTime() + input.timeoutS * 1000);
    const entry = await appendEventLog(tx, {
      time: now,
      userId: input.userId,
      username: input.username,
      category: EVENT_CATEGORY.verifications,
      eventType: EVENT_CATEGORY.verifications,
      description: truncate(
        `Prueba de autodiagnóstico iniciada: interrupción simulada de la comunicación de ${component} (la recolección continúa; el autodiagnóstico ignora sus lecturas hasta detectar la falla)`,
      ),
      component,
      installationId: target.installationId,
      details: { event: "self-test-start", component, start: now.toISOString(), deadline: deadline.toISOString() },
    });
    const detail: SelfTestDetail = {
      component,
      prefixes: target.prefixes,
      userId: input.userId,
      username: input.username,
      installationId: target.installationId,
      deadline: deadline.toISOString(),
      startEntryId: entry.id,
    };
    const [row] = await tx.query<{ id: number | string }>(
      "insert into job_runs (job, scheduled_for, started_at, status, detail) values ($1, $2, $2, 'running', $3) returning id",
      [SELF_TEST_JOB, now.toISOString(), JSON.stringify(detail)],
    );
    return toSelfTest({ id: row!.id, status: "running", started_at: now, finished_at: null, detail });
  });
}

function toSelfTest(row: { id: number | string; status: string; started_at: Date | string; finished_at: Date | string | null; detail: SelfTestDetail | string }): SelfTest {
  const d = typeof row.detail === "string" ? (JSON.parse(row.detail) as SelfTestDetail) : row.detail;
  return {
    id: Number(row.id),
    component: d.component,
    status: row.status as SelfTest["status"],
    startedAt: new Date(row.started_at),
    deadline: new Date(d.deadline),
    finishedAt: row.finished_at ? new Date(row.finished_at) : null,
    detectionS: d.detectionS ?? null,
    alarmId: d.alarmId ?? null,
    startEntryId: d.startEntryId ?? null,
    resultEntryId: d.resultEntryId ?? null,
    username: d.username,
  };
}

const SELECT = "select id, status, started_at, finished_at, detail from job_runs where job = $1";

export async function listSelfTests(db: SqlExecutor, limit = 10): Promise<SelfTest[]> {
  const rows = await db.query<Parameters<typeof toSelfTest>[0]>(`${SELECT} order by id desc limit $2`, [SELF_TEST_JOB, limit]);
  return rows.map(toSelfTest);
}

export async function getSelfTest(db: SqlExecutor, id: number): Promise<SelfTest | null> {
  const [row] = await db.query<Parameters<typeof toSelfTest>[0]>(`${SELECT} and id = $2`, [SELF_TEST_JOB, id]);
  return row ? toSelfTest(row) : null;
}

export interface RunningSelfTest extends Interruption {
  id: number;
  component: string;
  deadline: Date;
  detail: SelfTestDetail;
}

export async function readRunningSelfTests(db: SqlExecutor): Promise<RunningSelfTest[]> {
  const rows = await db.query<{ id: number | string; started_at: Date | string; detail: SelfTestDetail | string }>(
    "select id, started_at, detail from job_runs where job = $1 and status = 'running' order by id",
    [SELF_TEST_JOB],
  );
  return rows.map((r) => {
    const detail = typeof r.detail === "string" ? (JSON.parse(r.detail) as SelfTestDetail) : r.detail;
    return { id: Number(r.id), component: detail.component, start: new Date(r.started_at), deadline: new Date(detail.deadline), prefixes: detail.prefixes, detail };
  });
}

/**
 * Called by the diagnostics job after it wrote this run's transitions: a running test whose
 * element now has an open communication alarm raised since the start is detected; one past its
 * deadline fails. Either way the simulated interruption ends (restoration).
 */
export async function settleSelfTests(db: Pick<Database, "transaction">, running: readonly RunningSelfTest[], openAlarms: readonly OpenAlarm[], now: Date): Promise<SelfTest[]> {
  const settled: SelfTest[] = [];
  for (const test of running) {
    const alarm = openAlarms
      .filter((a) => a.component === test.component && a.time >= test.start && [5, 7, 9].includes(a.type))
      .sort((a, b) => a.time.getTime() - b.time.getTime())[0];
    if (!alarm && now <= test.deadline) continue;
    const detectionS = alarm ? Math.round((alarm.time.getTime() - test.start.getTime()) / 100) / 10 : null;
    const description = alarm
      ? `Prueba de autodiagnóstico de ${test.component}: interrupción iniciada ${test.start.toISOString()}, detectada en ${detectionS} s (${formatSeconds(detectionS!)}) con la alarma número ${alarm.id}; comunicación restablecida automáticamente`
      : `Prueba de autodiagnóstico de ${test.component}: interrupción iniciada ${test.start.toISOString()} NO detectada en ${formatSeconds((test.deadline.getTime() - test.start.getTime()) / 1000)}; comunicación restablecida automáticamente`;
    const result = await db.transaction(async (tx) => {
      const entry = await appendEventLog(tx, {
        time: now,
        userId: test.detail.userId,
        username: test.detail.username,
        category: EVENT_CATEGORY.verifications,
        eventType: EVENT_CATEGORY.verifications,
        description: truncate(description),
        component: test.component,
        installationId: test.detail.installationId,
        details: {
          event: "self-test-result",
          testId: test.id,
          component: test.component,
          start: test.start.toISOString(),
          detectedAt: alarm ? alarm.time.toISOString() : null,
          detectionS,
          alarmId: alarm?.id ?? null,
          outcome: alarm ? "detected" : "not-detected",
        },
      });
      const detail: SelfTestDetail = {
        ...test.detail,
        resultEntryId: entry.id,
        outcome: alarm ? "detected" : "not-detected",
        ...(alarm ? { detectedAt: alarm.time.toISOString(), detectionS: detectionS!, alarmId: alarm.id } : {}),
      };
      const [row] = await tx.query<Parameters<typeof toSelfTest>[0]>(
        "update job_runs set status = $2, finished_at = $3, detail = $4 where id = $1 and status = 'running' returning id, status, started_at, finished_at, detail",
        [test.id, alarm ? "succeeded" : "failed", now.toISOString(), JSON.stringify(detail)],
      );
      if (!row) throw new Error(`la prueba ${test.id} ya no está en curso`);
      return toSelfTest(row);
    });
    settled.push(result);
  }
  return settled;
}
