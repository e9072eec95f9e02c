import net from "node:net";
import type { Logger } from "../../../server/platform/logger";
import { decodeResponse, encodeRequest, nextFrameLength, type ModbusRequest, type ModbusResponse } from "./codec";

/**
 * One Modbus TCP client connection to one device: socket, request queue and timers, nothing else
 * (framing and validation are in codec.ts, polling and readings in modbus-driver.ts).
 *
 *   idle ─open()─► connecting ──connect──► connected ──close / error / FIN / bad frame──┐
 *                     ▲   │                    │                                        │
 *                     │   └─refused/timeout─┐  └─N consecutive response timeouts────────┤
 *                     │                     ▼                                           ▼
 *                     └──── backoff ◄── disconnected ◄──────────────────────────────────┘
 *   close() from any state ─► closed
 *
 * - One request outstanding at a time ([TCP] §4.3.1.2 lets a client pipeline, but many devices
 *   and serial gateways process one request at a time and some drop the rest): the queue holds the
 *   others. Requests made while not connected fail at once instead of queueing, so a dead device
 *   never accumulates work.
 * - Responses are matched by transaction id ([TCP] §3.1.3, §4.4.1.2); a frame with another id
 *   (the late answer to a request that already timed out) is dropped and counted.
 * - A response timeout fails that request only; after `reconnectAfterTimeouts` timeouts in a row
 *   the connection is dropped and re-opened (a half-open TCP connection or a hung TCP stack
 *   answers nothing, and only a new connection tells them apart from a slow device).
 * - Reconnection backs off exponentially (initialBackoffMs · 2^(n-1), capped at maxBackoffMs); n
 *   counts failures since the last valid response, so a server that accepts connections but never
 *   answers is not hammered either.
 * - Everything is per instance: a dead or slow device delays only its own queue (research
 *   anchors §2.2: a shared queue that stalls on one slave timeout is the bug to avoid).
 */

export type ModbusLinkState = "idle" | "connecting" | "connected" | "disconnected" | "closed";

export interface ModbusLinkStatus {
  state: ModbusLinkState;
  /** Spanish, e.g. "conexión rechazada (nadie escucha en 127.0.0.1:502)". */
  detail: string | null;
}

export type ModbusRequestErrorKind =
  /** No response within timeoutMs. */
  | "timeout"
  /** The link was not connected when the request was made. */
  | "not-connected"
  /** The connection dropped while the request was queued or outstanding. */
  | "connection-lost"
  /** A response came but does not match the request (codec error). */
  | "protocol"
  /** close() was called. */
  | "closed";

export class ModbusRequestError extends Error {
  constructor(
    readonly kind: ModbusRequestErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "ModbusRequestError";
  }
}

export interface ModbusTcpLinkOptions {
  host: string;
  port: number;
  /** Response timeout per request. */
  timeoutMs: number;
  /** TCP connect timeout. Default: max(timeoutMs, 1000). */
  connectTimeoutMs?: number;
  /** First reconnection delay. Default 250 ms. */
  initialBackoffMs?: number;
  /** Cap of the reconnection delay. Default 10 s. */
  maxBackoffMs?: number;
  /** Drop and re-open the connection after this many response timeouts in a row. Default 2. */
  reconnectAfterTimeouts?: number;
  /** TCP keep-alive probe delay, to notice a peer that vanished without FIN/RST. Default 10 s. */
  keepAliveMs?: number;
  logger?: Logger;
  /** Socket factory; tests pass a fake. Default `net.createConnection`. */
  createSocket?: (host: string, port: number) => net.Socket;
}

export interface ModbusLinkStats {
  connects: number;
  connectFailures: number;
  disconnects: number;
  requests: number;
  responses: number;
  timeouts: number;
  /** Frames whose transaction id matched nothing outstanding (late answers). */
  unmatchedFrames: number;
  protocolErrors: number;
}

interface QueuedRequest {
  unitId: number;
  request: ModbusRequest;
  resolve: (response: ModbusResponse) => void;
  reject: (error: ModbusRequestError) => void;
}

interface InFlightRequest extends QueuedRequest {
  transactionId: number;
  timer: NodeJS.Timeout;
}

export class ModbusTcpLink {
  readonly host: string;
  readonly port: number;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly reconnectAfterTimeouts: number;
  private readonly keepAliveMs: number;
  private readonly logger: Logger | undefined;
  private readonly createSocket: (host: string, port: number) => net.Socket;

  private currentStatus: ModbusLinkStatus = { state: "idle", detail: null };
  private readonly listeners = new Set<(status: ModbusLinkStatus) => void>();
  private socket: net.Socket | null = null;
  private connectingSocket: net.Socket | null = null;
  private rx: Buffer = Buffer.alloc(0);
  private readonly queue: QueuedRequest[] = [];
  private inFlight: InFlightRequest | null = null;
  private lastTransactionId = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Failures since the last valid response: drives the backoff. */
  private failures = 0;
  private consecutiveTimeouts = 0;
  private readonly counters: ModbusLinkStats = {
    connects: 0,
    connectFailures: 0,
    disconnects: 0,
    requests: 0,
    responses: 0,
    timeouts: 0,
    unmatchedFrames: 0,
    protocolErrors: 0,
  };

  constructor(options: ModbusTcpLinkOptions) {
    this.host = options.host;
    this.port = options.port;
    this.timeoutMs = options.timeoutMs;
    this.connectTimeoutMs = options.connectTimeoutMs ?? Math.max(options.timeoutMs, 1000);
    this.initialBackoffMs = options.initialBackoffMs ?? 250;
    this.maxBackoffMs = Math.max(options.maxBackoffMs ?? 10_000, this.initialBackoffMs);
    this.reconnectAfterTimeouts = Math.max(1, options.reconnectAfterTimeouts ?? 2);
    this.keepAliveMs = options.keepAliveMs ?? 10_000;
    this.logger = options.logger;
    this.createSocket = options.createSocket ?? ((host, port) => net.createConnection({ host, port }));
  }

  get status(): ModbusLinkStatus {
    return this.currentStatus;
  }

  get stats(): Readonly<ModbusLinkStats> {
    return { ...this.counters };
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  onStatus(listener: (status: ModbusLinkStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts connecting in the background; returns at once. */
  open(): void {
    if (this.currentStatus.state !== "idle") return;
    this.connect();
  }

  /**
   * Queues a request for `unitId`. Resolves with the decoded response — an exception response
   * ([AP] §7) is a response, not an error; rejects with ModbusRequestError otherwise.
   */
  request(unitId: number, request: ModbusRequest): Promise<ModbusResponse> {
    if (this.currentStatus.state === "closed") return Promise.reject(new ModbusRequestError("closed", `enlace Modbus ${this.address} cerrado`));
    if (!this.socket) {
      return Promise.reject(new ModbusRequestError("not-connected", `sin conexión con ${this.address}`));
    }
    return new Promise<ModbusResponse>((resolve, reject) => {
      this.queue.push({ unitId, request, resolve, reject });
      this.pump();
    });
  }

  /** Closes the connection, fails every pending request and stops reconnecting. */
  async close(): Promise<void> {
    if (this.currentStatus.state === "closed") return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const sockets = [this.socket, this.connectingSocket].filter((s): s is net.Socket => s !== null);
    this.socket = null;
    this.connectingSocket = null;
    this.failPending("closed", `enlace Modbus ${this.address} cerrado`);
    this.setStatus("closed", null);
    this.listeners.clear();
    await Promise.all(sockets.map(destroyAndWait));
  }

  // ── connection ──────────────────────────────────────────────────────────────────────────

  private connect(): void {
    this.reconnectTimer = null;
    if (this.currentStatus.state === "closed") return;
    this.setStatus("connecting", this.currentStatus.detail);
    const socket = this.createSocket(this.host, this.port);
    this.connectingSocket = socket;
    let lastError: Error | null = null;
    const connectTimer = setTimeout(() => {
      lastError = Object.assign(new Error(`tiempo de conexión agotado (${this.connectTimeoutMs} ms)`), { code: "ETIMEDOUT" });
      socket.destroy();
    }, this.connectTimeoutMs);
    socket.setNoDelay(true);
    socket.once("connect", () => {
      clearTimeout(connectTimer);
      if (socket !== this.connectingSocket) {
        socket.destroy();
        return;
      }
      this.connectingSocket = null;
      this.socket = socket;
      this.rx = Buffer.alloc(0);
      this.consecutiveTimeouts = 0;
      socket.setKeepAlive(true, this.keepAliveMs);
      this.counters.connects += 1;
      this.setStatus("connected", null);
      this.pump();
    });
    socket.on("data", (chunk: Buffer) => this.onData(socket, chunk));
    socket.on("error", (error) => {
      lastError = error;
    });
    // [TCP] §4.3.1.3: a server closes the connection on errors it cannot answer; a FIN means the
    // device is gone for us, so do not keep a half-closed socket.
    socket.on("end", () => socket.destroy());
    socket.on("close", () => {
      clearTimeout(connectTimer);
      this.onSocketClose(socket, lastError);
    });
  }

  private onSocketClose(socket: net.Socket, error: Error | null): void {
    if (socket === this.connectingSocket) {
      this.connectingSocket = null;
      this.counters.connectFailures += 1;
      this.handleDisconnect(`no se pudo conectar con ${this.address}: ${describeSocketError(error, this.address)}`);
    } else if (socket === this.socket) {
      this.handleDisconnect(`conexión perdida con ${this.address}: ${describeSocketError(error, this.address)}`);
    }
    // Otherwise a socket this link already dropped (drop(), close()): nothing to do.
  }

  /** Abandons the current connection (bad stream, unresponsive device) and reconnects. */
  private drop(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.destroy();
    this.handleDisconnect(reason);
  }

  private handleDisconnect(reason: string): void {
    if (this.currentStatus.state === "closed") return;
    this.socket = null;
    this.rx = Buffer.alloc(0);
    this.counters.disconnects += 1;
    this.failPending("connection-lost", reason);
    this.setStatus("disconnected", reason);
    this.failures += 1;
    const delayMs = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(this.failures - 1, 20));
    this.logger?.debug({ link: this.address, reason, retryInMs: delayMs }, "enlace Modbus desconectado");
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
  }

  // ── requests ────────────────────────────────────────────────────────────────────────────

  private pump(): void {
    const socket = this.socket;
    if (this.inFlight || !socket) return;
    const next = this.queue.shift();
    if (!next) return;
    // 1 … 65535, wrapping; with one request outstanding any non-repeating id would do.
    this.lastTransactionId = (this.lastTransactionId % 0xffff) + 1;
    const transactionId = this.lastTransactionId;
    let frame: Buffer;
    try {
      frame = encodeRequest(transactionId, next.unitId, next.request);
    } catch (error) {
      next.reject(new ModbusRequestError("protocol", `solicitud inválida: ${(error as Error).message}`));
      this.pump();
      return;
    }
    const inFlight: InFlightRequest = {
      ...next,
      transactionId,
      timer: setTimeout(() => this.onTimeout(inFlight), this.timeoutMs),
    };
    this.inFlight = inFlight;
    this.counters.requests += 1;
    socket.write(frame);
  }

  private onTimeout(request: InFlightRequest): void {
    if (this.inFlight !== request) return;
    this.inFlight = null;
    this.counters.timeouts += 1;
    this.consecutiveTimeouts += 1;
    request.reject(new ModbusRequestError("timeout", `sin respuesta de la unidad ${request.unitId} en ${this.timeoutMs} ms (${this.address})`));
    if (this.consecutiveTimeouts >= this.reconnectAfterTimeouts) {
      this.drop(`sin respuesta en ${this.consecutiveTimeouts} solicitudes seguidas; se reabre la conexión con ${this.address}`);
    } else {
      this.pump();
    }
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    this.rx = this.rx.length === 0 ? chunk : Buffer.concat([this.rx, chunk]);
    for (;;) {
      const next = nextFrameLength(this.rx);
      if (next.kind === "incomplete") return;
      if (next.kind === "invalid") {
        // The MBAP length is the only framing on TCP: past a bad header the stream is unusable.
        this.counters.protocolErrors += 1;
        this.drop(`trama inválida de ${this.address}: ${next.error.message}`);
        return;
      }
      const frame = this.rx.subarray(0, next.length);
      this.rx = this.rx.subarray(next.length);
      this.onFrame(frame);
      if (socket !== this.socket) return;
    }
  }

  private onFrame(frame: Buffer): void {
    const transactionId = frame.readUInt16BE(0);
    const request = this.inFlight;
    if (!request || request.transactionId !== transactionId) {
      this.counters.unmatchedFrames += 1;
      this.logger?.debug({ link: this.address, transactionId }, "respuesta Modbus sin solicitud pendiente (tardía); se descarta");
      return;
    }
    clearTimeout(request.timer);
    this.inFlight = null;
    // Any answer to our request proves the device is alive, even one the codec rejects.
    this.consecutiveTimeouts = 0;
    this.failures = 0;
    const decoded = decodeResponse(frame, { transactionId, unitId: request.unitId, request: request.request });
    if (decoded.ok) {
      this.counters.responses += 1;
      request.resolve(decoded.value.response);
    } else {
      this.counters.protocolErrors += 1;
      request.reject(new ModbusRequestError("protocol", `respuesta inválida de ${this.address}: ${decoded.error.message}`));
    }
    this.pump();
  }

  private failPending(kind: ModbusRequestErrorKind, message: string): void {
    const inFlight = this.inFlight;
    this.inFlight = null;
    if (inFlight) {
      clearTimeout(inFlight.timer);
      inFlight.reject(new ModbusRequestError(kind, message));
    }
    for (const queued of this.queue.splice(0)) queued.reject(new ModbusRequestError(kind, message));
  }

  private setStatus(state: ModbusLinkState, detail: string | null): void {
    if (this.currentStatus.state === state && this.currentStatus.detail === detail) return;
    this.currentStatus = { state, detail };
    for (const listener of this.listeners) {
      try {
        listener(this.currentStatus);
      } catch (error) {
        this.logger?.error({ link: this.address, err: error }, "un observador del enlace Modbus lanzó un error");
      }
    }
  }
}

/** Spanish description of a socket error for status details and the bitácora. */
export function describeSocketError(error: Error | null, address: string): string {
  if (!error) return "el dispositivo cerró la conexión";
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ECONNREFUSED":
      return `conexión rechazada (nadie escucha en ${address})`;
    case "ECONNRESET":
      return "el dispositivo restableció la conexión";
    case "ETIMEDOUT":
      return error.message.startsWith("tiempo") ? error.message : "tiempo de espera agotado";
    case "EHOSTUNREACH":
      return "host inalcanzable";
    case "ENETUNREACH":
      return "red inalcanzable";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "no se pudo resolver el nombre del host";
    case "EPIPE":
      return "la conexión ya estaba cerrada";
    default:
      return error.message;
  }
}

function destroyAndWait(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, 1000);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.destroy();
  });
}
