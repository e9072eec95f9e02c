import type { Database } from "../../db/client";
import { INITIAL_LINK_STATE, nextLinkState, type LinkMonitorState, type LinkStatusInput } from "../../server/domain/communication/index";
import type { Logger } from "../../server/platform/logger";
import { recordLinkDecision, type LinkIdentity } from "../../server/services/communication/record-link-event";
import { createOrderedWrites } from "./ordered-writes";

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
  const writes = createOrderedWrites<{ decision: ReturnType<typeof nextLinkState>["decision"]; at: Date }>({
    write: (item) => recordLinkDecision(options.db, options.link, item.decision, item.at),
    logger: options.logger,
    failureMessage: "no se pudo registrar el evento de comunicación; se reintenta",
    describe: () => ({ component: options.link.component }),
    retryDelayMs: options.retryDelayMs,
  });

  return {
    onStatus(status) {
      const next = nextLinkState(state, status);
      state = next.state;
      if (next.decision.kind === "none") return;
      writes.push({ decision: next.decision, at: now() });
    },
    drain: (timeoutMs = 10_000) => writes.drain(timeoutMs),
    get pending() {
      return writes.pending();
    },
  };
}
