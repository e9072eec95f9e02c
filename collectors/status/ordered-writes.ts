import type { Logger } from "../../server/platform/logger";

/**
 * Writes that must reach the database in order and must not be lost while it is unreachable
 * (link events, device status transitions): each item is retried with capped exponential
 * backoff until `write` succeeds, and only then is the next one tried.
 */
export interface OrderedWrites<T> {
  push(item: T): void;
  /** Resolves when every queued write is done (or after `timeoutMs`). */
  drain(timeoutMs: number): Promise<void>;
  pending(): number;
}

export function createOrderedWrites<T>(options: {
  write: (item: T) => Promise<unknown>;
  logger: Logger;
  /** Log line (Spanish) and fields of a failed attempt. */
  failureMessage: string;
  describe: (item: T) => Record<string, unknown>;
  retryDelayMs?: number;
}): OrderedWrites<T> {
  const queue: T[] = [];
  let running: Promise<void> | null = null;

  const pump = (): Promise<void> => {
    running ??= (async () => {
      let attempt = 0;
      while (queue.length > 0) {
        const head = queue[0]!;
        try {
          await options.write(head);
          queue.shift();
          attempt = 0;
        } catch (error) {
          attempt += 1;
          options.logger.warn({ error: (error as Error).message, attempt, ...options.describe(head) }, options.failureMessage);
          await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, (options.retryDelayMs ?? 250) * 2 ** Math.min(attempt, 6))));
        }
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    push(item) {
      queue.push(item);
      void pump();
    },
    async drain(timeoutMs) {
      if (queue.length === 0 && !running) return;
      await Promise.race([pump(), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    },
    pending: () => queue.length,
  };
}
