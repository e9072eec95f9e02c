import pg from "pg";
import type { ForwarderDb, ForwarderTx } from "./forwarder";

/**
 * COPY … FROM STDIN for the forwarder on PostgreSQL, with the plain `pg` client (no
 * pg-copy-streams): a "submittable" query object, the interface pg's Client drives —
 * submit (Query) → CopyInResponse → CopyData… CopyDone → CommandComplete → ReadyForQuery.
 * If the server rejects the data (say a duplicate key) it answers ErrorResponse; CopyData already
 * on the wire is ignored by the server (protocol: "accept but ignore"), and the transaction can
 * roll back to a savepoint.
 */
class CopyFromStdin {
  callback: ((error: Error | null, rowCount?: number) => void) | null = null;
  private rowCount = 0;
  private done = false;

  constructor(
    private readonly text: string,
    private readonly chunks: readonly Buffer[],
    private readonly onDataSent?: () => void,
  ) {}

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }): void {
    for (const chunk of this.chunks) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
    this.onDataSent?.();
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /^COPY (\d+)/.exec(message.text ?? "");
    if (match) this.rowCount = Number(match[1]);
  }

  handleReadyForQuery(): void {
    this.finish(null);
  }

  handleError(error: Error): void {
    this.finish(error);
  }

  // Not expected during COPY FROM; present because the client may call them.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  private finish(error: Error | null): void {
    if (this.done) return;
    this.done = true;
    this.callback?.(error, this.rowCount);
  }
}

/**
 * Runs `copyStatement` (… FROM STDIN, text format) sending `chunks` as the data; resolves to the
 * row count. `onDataSent` runs once all the data is handed to the socket (the server is loading).
 */
export function copyFromStdin(client: pg.Client | pg.PoolClient, copyStatement: string, chunks: readonly Buffer[], onDataSent?: () => void): Promise<number> {
  const query = new CopyFromStdin(copyStatement, chunks, onDataSent);
  return new Promise<number>((resolve, reject) => {
    query.callback = (error, rowCount) => (error ? reject(error) : resolve(rowCount ?? 0));
    (client as unknown as { query(q: unknown): unknown }).query(query);
  });
}

/** COPY text-format escaping of one field (backslash, tab, newline, carriage return). */
export function copyTextField(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : value;
}

const COPY_CHUNK_BYTES = 1 << 20;

/**
 * `time\ttag\tvalue\tquality\n` lines (COPY text format) in chunks of about 1 MiB. Values are
 * finite (the sink rejects others); JS's shortest round-trip form parses back to the same float8.
 */
export function encodeMeasurementsCopy(times: readonly string[], tags: readonly string[], values: readonly number[], qualities: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let text = "";
  for (let i = 0; i < times.length; i++) {
    text += `${times[i]}\t${copyTextField(tags[i]!)}\t${values[i]}\t${qualities[i]}\n`;
    if (text.length >= COPY_CHUNK_BYTES) {
      chunks.push(Buffer.from(text, "utf8"));
      text = "";
    }
  }
  if (text.length > 0) chunks.push(Buffer.from(text, "utf8"));
  return chunks;
}

const QUERY_TIMEOUT_MS = 60_000;

export interface PgCopyForwarderDb extends ForwarderDb {
  close(): Promise<void>;
}

/**
 * The forwarder's own PostgreSQL connection (a pool of at most 2: the batch transaction and the
 * NOTIFY after it), whose transactions can COPY. With it the measurements of a batch are loaded
 * with COPY (heap multi-insert: the speed of a bulk load) instead of an `insert … unnest`.
 */
export function createPgCopyForwarderDb(databaseUrl: string, applicationName = "aforo-collector"): PgCopyForwarderDb {
  // query_timeout + keep-alive: a database host that vanishes without a reset (cable, firewall)
  // must not hang the forwarder for the kernel's TCP timeout; the batch is simply retried.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 2,
    application_name: applicationName,
    connectionTimeoutMillis: 10_000,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // A connection that dies while idle (database restart) must not crash the collector.
  pool.on("error", () => undefined);
  return {
    supportsCopy: true,
    async query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]> {
      return (await pool.query(text, params)).rows as R[];
    },
    async transaction<T>(fn: (tx: ForwarderTx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A checked-out client that loses its socket emits "error"; without a listener that is an
      // uncaught exception (the whole collector would die on a database outage). The query in
      // flight rejects by itself; the client is then discarded on release.
      const onError = (error: Error): void => {
        broken = error;
      };
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        const result = await fn({
          query: async <R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]> => (await client.query(text, params)).rows as R[],
          copyFrom: (statement, chunks, onDataSent) => copyFromStdin(client, statement, chunks, onDataSent),
        });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        // After a client-side timeout the connection is mid-query: do not reuse it.
        if ((error as Error).message === "Query read timeout") broken = error as Error;
        if (!broken) {
          await client.query("ROLLBACK").catch((rollbackError: unknown) => {
            broken = rollbackError as Error;
          });
        }
        throw error;
      } finally {
        client.off("error", onError);
        // A connection that failed or whose ROLLBACK failed is in an unknown state: drop it.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
