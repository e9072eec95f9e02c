import type { Database } from "../../../db/client";
import type { RoleKey } from "../../contracts/roles";

/** Who performs an alarm operation (from the session) and when. */
export interface AlarmActor {
  id: number;
  username: string;
  role: RoleKey;
}

export interface AlarmServiceContext {
  db: Pick<Database, "transaction" | "query">;
  now: Date;
  actor: AlarmActor;
}

export type ServiceResult<T> = { ok: true; value: T } | { ok: false; status: 400 | 403 | 404 | 409; error: string };

export function fail(status: 400 | 403 | 404 | 409, error: string): { ok: false; status: 400 | 403 | 404 | 409; error: string } {
  return { ok: false, status, error };
}

/** SAT DescripcionEvento is at most 250 characters. */
export function truncate(text: string, max = 250): string {
  const clean = text.replace(/\s+/g, " ").trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}
