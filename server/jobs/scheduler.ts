import type { Logger } from "../platform/logger";

/**
 * A small in-process scheduler: each job runs every `everyMs`, never overlapping itself, errors
 * logged and retried at the next tick. `stop()` waits for running jobs to finish (graceful shutdown).
 */
export interface Job {
  name: string;
  everyMs: number;
  runAtStart?: boolean;
  run(now: Date): Promise<unknown>;
}

export interface Scheduler {
  stop(): Promise<void>;
  /** Runs a job now (tests, CLI); resolves when it finished. */
  runNow(name: string): Promise<void>;
}

export function startScheduler(jobs: Job[], options: { logger: Logger; now: () => Date }): Scheduler {
  const running = new Map<string, Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  const execute = (job: Job): Promise<void> => {
    const current = running.get(job.name);
    if (current) return current;
    const started = Date.now();
    const promise = job
      .run(options.now())
      .then((result) => {
        options.logger.debug({ job: job.name, ms: Date.now() - started, result }, "tarea ejecutada");
      })
      .catch((error: unknown) => {
        options.logger.error({ job: job.name, error: (error as Error).message }, "tarea fallida; se reintenta en el siguiente ciclo");
      })
      .finally(() => running.delete(job.name));
    running.set(job.name, promise);
    return promise;
  };

  for (const job of jobs) {
    if (job.runAtStart) void execute(job);
    const timer = setInterval(() => {
      if (!stopped) void execute(job);
    }, job.everyMs);
    timer.unref();
    timers.push(timer);
  }

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running.values()]);
    },
    async runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`tarea desconocida: ${name}`);
      await execute(job);
    },
  };
}
