import type { Logger } from "../../server/platform/logger";
import type { DriverState, DriverStatus } from "./driver";

/**
 * The status half of the Driver contract, shared by the drivers: the current status, its
 * listeners, and a change that is broadcast only when state or detail really changed. A listener
 * that throws is logged and never stops the others (or the driver).
 */
export class DriverStatusBroadcaster {
  private current: DriverStatus;
  private readonly listeners = new Set<(status: DriverStatus) => void>();

  constructor(
    private readonly now: () => Date,
    private readonly logger: Logger | undefined,
    private readonly driverName: () => string,
  ) {
    this.current = { state: "idle", since: now(), detail: null };
  }

  get status(): DriverStatus {
    return this.current;
  }

  subscribe(listener: (status: DriverStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(state: DriverState, detail: string | null): void {
    if (this.current.state === state && this.current.detail === detail) return;
    this.current = { state, since: this.now(), detail };
    for (const listener of this.listeners) {
      try {
        listener(this.current);
      } catch (error) {
        this.logger?.error({ driver: this.driverName(), err: error }, "un observador de estado lanzó un error");
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
