import net from "node:net";
import type { Logger } from "../../../server/platform/logger";
import { extractFrame, printable } from "./parse";

/**
 * TCP link to a TLS console (its Ethernet port or an RS-232 device server). Sockets and timers
 * only: framing is `extractFrame` (parse.ts), meaning belongs to the driver.
 *
 * The console is a poll/response device with ONE command in flight per port (Serial Interface
 * Manual §5–§6: a response carries no request id; the next command may only follow the ETX of
 * the previous response), so requests wait in a FIFO queue and go out one at a time.
 *
 *   idle ─start─► connecting ──connect──► connected ──close/error──► waiting (backoff) ─► connecting
 *                     │ connect timeout / refused                          ▲
 *                     └────────────────────────────────────────────────────┘
 *   backoff = min(maxBackoffMs, initialBackoffMs · 2^(failed attempts)), reset by a connection.
 *
 * A request that gets no complete frame within `timeoutMs` fails and the socket is replaced:
 * a late answer would otherwise be taken for the answer to the next command (the echo does not
 * tell two polls of the same function apart). Bytes before SOH are noise: discarded and logged.
 * A request made while the socket is (re)connecting waits up to `timeoutMs` for it, so the reset
 * after a timeout does not also fail the next poll; during a real outage it fails after that wait.
 */

export type TransportFailureKind = "not-connected" | "timeout" | "connection-lost" | "queue-full" | "overflow" | "stopped";

export interface TransportFailure {
  kind: TransportFailureKind;
  /** es-MX. */
  message: string;
}

export type TransportResult = { ok: true; frame: Uint8Array } | { ok: false; error: TransportFailure };

export interface VeederRootTransportOptions {
  host: string;
  port: number;
  /** Longest wait for a complete response, and for the TCP connection. */
  timeoutMs: number;
  maxBackoffMs?: number;
  initialBackoffMs?: number;
  /** Requests waiting behind the one in flight before new ones are refused. Default 8. */
  maxQueue?: number;
  name?: string;
  logger?: Logger;
  onConnected?: () => void;
  onDisconnected?: (reason: string) => void;
}

export interface TransportStats {
  connects: number;
  connectFailures: number;
  disconnects: number;
  requests: number;
  timeouts: number;
  /** Noise thrown away: bytes before SOH and bytes nobody asked for. */
  discardedBytes: number;
}

/** Longest response kept while waiting for ETX (a 202 report of 16 tanks × 10 deliveries is ≈ 17 kB). */
const MAX_RESPONSE_BYTES = 256 * 1024;

interface PendingRequest {
  command: Uint8Array;
  resolve: (result: TransportResult) => void;
  /** Runs while the request waits for its turn or for the connection; cleared when it is sent. */
  waitTimer: NodeJS.Timeout | null;
}

export class VeederRootTransport {
  readonly name: string;
  readonly stats: TransportStats = { connects: 0, connectFailures: 0, disconnects: 0, requests: 0, timeouts: 0, discardedBytes: 0 };
  private readonly options: VeederRootTransportOptions;
  private readonly maxBackoffMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxQueue: number;
  private socket: net.Socket | null = null;
  private isConnected = false;
  private started = false;
  private stopped = false;
  private failedAttempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private responseTimer: NodeJS.Timeout | null = null;
  private readonly queue: PendingRequest[] = [];
  private inFlight: PendingRequest | null = null;
  private received: Uint8Array = new Uint8Array(0);

  constructor(options: VeederRootTransportOptions) {
    this.options = options;
    this.name = options.name ?? `veeder-root:${options.host}:${options.port}`;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.initialBackoffMs = Math.min(options.initialBackoffMs ?? 250, this.maxBackoffMs);
    this.maxQueue = options.maxQueue ?? 8;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Starts connecting in the background (retried forever until `stop`). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  /**
   * Sends one command and resolves with its response frame (SOH…ETX) or a failure; never
   * rejects. Waits at most `timeoutMs` for its turn / the connection, then `timeoutMs` for the answer.
   */
  request(command: Uint8Array): Promise<TransportResult> {
    if (this.stopped || !this.started) return Promise.resolve(failure("stopped", "el transporte no está en marcha"));
    if (this.queue.length >= this.maxQueue) {
      return Promise.resolve(failure("queue-full", `cola llena (${this.maxQueue} comandos esperando)`));
    }
    return new Promise((resolve) => {
      const pending: PendingRequest = { command, resolve, waitTimer: null };
      pending.waitTimer = setTimeout(() => {
        pending.waitTimer = null;
        const index = this.queue.indexOf(pending);
        if (index < 0) return;
        this.queue.splice(index, 1);
        resolve(
          this.isConnected
            ? failure("timeout", `el comando esperó su turno más de ${this.options.timeoutMs} ms`)
            : failure("not-connected", `sin conexión con ${this.options.host}:${this.options.port}`),
        );
      }, this.options.timeoutMs);
      this.queue.push(pending);
      this.pump();
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimer("reconnectTimer");
    this.clearTimer("connectTimer");
    this.clearTimer("responseTimer");
    this.failAll(failure("stopped", "el transporte está detenido"));
    const socket = this.socket;
    this.socket = null;
    this.isConnected = false;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.destroy();
      });
    }
  }

  // ── connection ──────────────────────────────────────────────────────────────────────────

  private connect(): void {
    if (this.stopped) return;
    const socket = net.createConnection({ host: this.options.host, port: this.options.port });
    this.socket = socket;
    socket.setNoDelay(true);
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (socket === this.socket && !this.isConnected) {
        socket.destroy(new Error(`sin conexión TCP en ${this.options.timeoutMs} ms`));
      }
    }, this.options.timeoutMs);
    socket.on("connect", () => {
      if (socket !== this.socket || this.stopped) return;
      this.clearTimer("connectTimer");
      this.isConnected = true;
      this.failedAttempts = 0;
      this.received = new Uint8Array(0);
      this.stats.connects += 1;
      this.options.logger?.info({ transport: this.name }, "conexión TCP con la consola TLS establecida");
      this.options.onConnected?.();
      this.pump();
    });
    socket.on("data", (chunk: Buffer) => {
      if (socket === this.socket) this.onData(chunk);
    });
    socket.on("error", (error: Error) => {
      if (socket !== this.socket || this.stopped) return;
      this.options.logger?.debug({ transport: this.name, err: error }, "error del socket de la consola TLS");
    });
    socket.on("close", () => {
      if (socket !== this.socket || this.stopped) return;
      this.onClosed(socket);
    });
  }

  private onClosed(socket: net.Socket): void {
    this.clearTimer("connectTimer");
    this.clearTimer("responseTimer");
    const wasConnected = this.isConnected;
    this.isConnected = false;
    this.socket = null;
    socket.removeAllListeners("data");
    this.received = new Uint8Array(0);
    // The command in flight is lost; queued ones keep waiting (bounded by their wait timers).
    const inFlight = this.inFlight;
    this.inFlight = null;
    inFlight?.resolve(failure("connection-lost", "la consola cerró la conexión"));
    if (wasConnected) {
      this.stats.disconnects += 1;
      this.options.logger?.warn({ transport: this.name }, "conexión con la consola TLS perdida");
      this.options.onDisconnected?.("conexión perdida");
    } else {
      this.stats.connectFailures += 1;
      this.failedAttempts += 1;
    }
    const delayMs = backoffDelayMs(this.failedAttempts, this.initialBackoffMs, this.maxBackoffMs);
    this.options.logger?.debug({ transport: this.name, delayMs, attempt: this.failedAttempts }, "reconexión programada");
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delayMs);
  }

  // ── requests ────────────────────────────────────────────────────────────────────────────

  private pump(): void {
    if (this.inFlight || !this.isConnected || !this.socket || this.socket.destroyed) return;
    const next = this.queue.shift();
    if (!next) return;
    if (next.waitTimer) clearTimeout(next.waitTimer);
    next.waitTimer = null;
    this.inFlight = next;
    this.received = new Uint8Array(0);
    this.stats.requests += 1;
    this.socket.write(next.command);
    this.responseTimer = setTimeout(() => {
      this.responseTimer = null;
      this.stats.timeouts += 1;
      this.options.logger?.warn(
        { transport: this.name, timeoutMs: this.options.timeoutMs, partial: printable(this.received, 48) },
        "la consola TLS no respondió a tiempo; se reinicia la conexión",
      );
      this.complete(failure("timeout", `sin respuesta completa en ${this.options.timeoutMs} ms`));
      // A late answer must not be read as the answer to the next command.
      this.socket?.destroy();
    }, this.options.timeoutMs);
  }

  private onData(chunk: Uint8Array): void {
    if (!this.inFlight) {
      this.discard(chunk, "bytes recibidos sin comando pendiente");
      return;
    }
    this.received = concat(this.received, chunk);
    const { frame, discarded, rest } = extractFrame(this.received);
    if (discarded.length > 0) this.discard(discarded, "bytes antes de SOH descartados");
    if (!frame) {
      this.received = rest;
      if (this.received.length > MAX_RESPONSE_BYTES) {
        this.discard(this.received, "respuesta demasiado larga sin ETX");
        this.received = new Uint8Array(0);
        this.complete(failure("overflow", `respuesta de más de ${MAX_RESPONSE_BYTES} bytes sin ETX`));
      }
      return;
    }
    const copy = frame.slice();
    if (rest.length > 0) this.discard(rest, "bytes después de ETX descartados");
    this.received = new Uint8Array(0);
    this.complete({ ok: true, frame: copy });
  }

  private complete(result: TransportResult): void {
    this.clearTimer("responseTimer");
    const request = this.inFlight;
    this.inFlight = null;
    request?.resolve(result);
    // Let the socket settle (a timeout destroys it) before the next command goes out.
    setImmediate(() => this.pump());
  }

  private failAll(result: TransportResult): void {
    const pending = [...(this.inFlight ? [this.inFlight] : []), ...this.queue.splice(0)];
    this.inFlight = null;
    for (const request of pending) {
      if (request.waitTimer) clearTimeout(request.waitTimer);
      request.waitTimer = null;
      request.resolve(result);
    }
  }

  private discard(bytes: Uint8Array, reason: string): void {
    this.stats.discardedBytes += bytes.length;
    this.options.logger?.warn({ transport: this.name, bytes: bytes.length, data: printable(bytes, 48) }, reason);
  }

  private clearTimer(which: "reconnectTimer" | "connectTimer" | "responseTimer"): void {
    const timer = this[which];
    if (timer) clearTimeout(timer);
    this[which] = null;
  }
}

/** min(cap, initial · 2^attempts); attempts 0 → initial. */
export function backoffDelayMs(attempts: number, initialMs: number, capMs: number): number {
  return Math.min(capMs, initialMs * 2 ** Math.min(attempts, 20));
}

function failure(kind: TransportFailureKind, message: string): TransportResult {
  return { ok: false, error: { kind, message } };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
