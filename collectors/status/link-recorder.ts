import type { Database } from "../../db/client";
import { INITIAL_LINK_STATE, nextLinkState, type LinkMonitorState, type LinkStatusInput } from "../../server/domain/communication/index";
import type { Logger } from "../../server/platform/logger";
import { recordLinkDecision, type LinkIdentity } from "../../server/services/communication/record-link-event";

/**
 * Turns a driver's status changes into bitácora entries and alarms (A30-MS-15). Writes are
 * queued in order and retried until the database takes them: a link event that happens while
 * the database is unreachable is recorded, with its real times, once it is back.
 */
export interface LinkRecorder {
  onStatus(status: LinkStatusInput): void;
  /** Resolves when every queued write is done (or after `timeoutMs`). */
  drain(timeoutMs?: number): Promise<void>;
  readonly pending: number;
}

export function createLinkRecorder(options: {
  db: Pick<Database, "transaction">;
  link: LinkIdentity;
  logger: Logger;
  now?: () => Date;
  retryDelayMs?: number;
}): LinkRecorder {
  const now = options.now ?? (() => new Date());
  let state: LinkMonitorState = INITIAL_LINK_STATE;
  const queue: { decision: ReturnType<typeof nextLinkState>["decision"]; at: Date }[] = [];
  let running: Promise<void> | null = null;

  const pump = (): Promise<void> => {
    running ??= (async () => {
      let attempt = 0;
      while (queue.length > 0) {
        const head = queue[0]!;
        try {
          await recordLinkDecision(options.db, options.link, head.decision, head.at);
          queue.shift();
          attempt = 0;
        } catch (error) {
          attempt += 1;
          options.logger.warn({ error: (error as Error).message, attempt, component: options.link.component }, "no se pudo registrar el evento de comunicación; se reintenta");
          await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, (options.retryDelayMs ?? 250) * 2 ** Math.min(attempt, 6))));
        }
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    onStatus(status) {
      const next = nextLinkState(state, status);
      state = next.state;
      if (next.decision.kind === "none") return;
      queue.push({ decision: next.decision, at: now() });
      void pump();
    },
    async drain(timeoutMs = 10_000) {
      if (queue.length === 0 && !running) return;
      await Promise.race([pump(), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    },
    get pending() {
      return queue.length;
    },
  };
}
