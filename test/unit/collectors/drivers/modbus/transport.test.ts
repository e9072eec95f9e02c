import { EventEmitter } from "node:events";
import type net from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encodeResponse, type ModbusRequest } from "../../../../../collectors/drivers/modbus/codec";
import { ModbusRequestError, ModbusTcpLink, type ModbusLinkStatus } from "../../../../../collectors/drivers/modbus/transport";

/**
 * The link's queue, transaction matching, timeouts and backoff, under fake timers with a fake
 * socket (no network in unit tests; the real-socket behaviour is in test/integration).
 */

class FakeSocket extends EventEmitter {
  readonly written: Buffer[] = [];
  destroyed = false;
  closed = false;
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  write(data: Uint8Array): boolean {
    this.written.push(Buffer.from(data));
    return true;
  }
  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    void Promise.resolve().then(() => {
      if (error) this.emit("error", error);
      this.closed = true;
      this.emit("close", Boolean(error));
    });
    return this;
  }
  // ── test side ──
  accept(): void {
    this.emit("connect");
  }
  refuse(): void {
    this.emit("error", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    this.destroy();
  }
  receive(data: Buffer): void {
    this.emit("data", data);
  }
  /** Transaction id of the n-th written request. */
  tid(n: number): number {
    return this.written[n]!.readUInt16BE(0);
  }
}

const READ: ModbusRequest = { functionCode: 0x03, address: 0, quantity: 2 };
const answer = (tid: number, registers: number[] = [0x414c, 0]): Buffer =>
  encodeResponse(tid, 1, { kind: "registers", functionCode: 0x03, registers });

function makeLink(overrides: Partial<ConstructorParameters<typeof ModbusTcpLink>[0]> = {}) {
  const sockets: FakeSocket[] = [];
  const statuses: ModbusLinkStatus[] = [];
  const link = new ModbusTcpLink({
    host: "10.0.0.5",
    port: 502,
    timeoutMs: 1000,
    initialBackoffMs: 250,
    maxBackoffMs: 2000,
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket as unknown as net.Socket;
    },
    ...overrides,
  });
  link.onStatus((status) => statuses.push(status));
  const current = (): FakeSocket => sockets.at(-1)!;
  return { link, sockets, statuses, current };
}

const flush = async (): Promise<void> => {
  await vi.advanceTimersByTimeAsync(0);
};

describe("ModbusTcpLink", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps one request outstanding and matches responses by transaction id", async () => {
    const { link, current } = makeLink();
    link.open();
    current().accept();
    const first = link.request(1, READ);
    const second = link.request(1, { ...READ, address: 10 });
    expect(current().written).toHaveLength(1); // the second waits in the queue
    current().receive(answer(current().tid(0)));
    await expect(first).resolves.toEqual({ kind: "registers", functionCode: 3, registers: [0x414c, 0] });
    expect(current().written).toHaveLength(2);
    expect(current().tid(1)).toBe(current().tid(0) + 1);
    // A frame split over two TCP segments is reassembled.
    const frame = answer(current().tid(1), [1, 2]);
    current().receive(frame.subarray(0, 5));
    current().receive(frame.subarray(5));
    await expect(second).resolves.toMatchObject({ registers: [1, 2] });
    expect(link.stats).toMatchObject({ requests: 2, responses: 2, timeouts: 0 });
  });

  it("a late answer to a timed-out request is dropped, not given to the next request", async () => {
    const { link, current } = makeLink({ reconnectAfterTimeouts: 3 });
    link.open();
    current().accept();
    const slow = link.request(1, READ);
    const slowTid = current().tid(0);
    const failed = expect(slow).rejects.toMatchObject({ kind: "timeout", message: "sin respuesta de la unidad 1 en 1000 ms (10.0.0.5:502)" });
    await vi.advanceTimersByTimeAsync(1000);
    await failed;
    const next = link.request(1, READ);
    current().receive(answer(slowTid, [0xdead, 0xbeef])); // late
    current().receive(answer(current().tid(1), [7, 8]));
    await expect(next).resolves.toMatchObject({ registers: [7, 8] });
    expect(link.stats).toMatchObject({ timeouts: 1, unmatchedFrames: 1, responses: 1 });
    expect(link.status.state).toBe("connected");
  });

  it("re-opens the connection after 2 timeouts in a row, with exponential backoff capped at maxBackoffMs", async () => {
    const { link, sockets, current, statuses } = makeLink();
    link.open();
    current().accept();
    for (let i = 0; i < 2; i += 1) {
      const pending = link.request(1, READ).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1000);
      expect(await pending).toBeInstanceOf(ModbusRequestError);
    }
    expect(sockets[0]!.destroyed).toBe(true);
    expect(link.status).toEqual({ state: "disconnected", detail: "sin respuesta en 2 solicitudes seguidas; se reabre la conexión con 10.0.0.5:502" });
    // Requests while down fail at once instead of queueing.
    await expect(link.request(1, READ)).rejects.toMatchObject({ kind: "not-connected", message: "sin conexión con 10.0.0.5:502" });

    // Reconnection attempts: 250, 500, 1000, 2000, 2000 ms (refused each time).
    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const count = sockets.length;
      let waited = 0;
      while (sockets.length === count) {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      delays.push(waited);
      current().refuse();
      await flush();
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 2000]);
    expect(link.status.detail).toBe("no se pudo conectar con 10.0.0.5:502: conexión rechazada (nadie escucha en 10.0.0.5:502)");

    // A valid answer resets the backoff.
    await vi.advanceTimersByTimeAsync(2000);
    current().accept();
    const ok = link.request(1, READ);
    current().receive(answer(current().tid(0)));
    await ok;
    expect(link.status.state).toBe("connected");
    expect(statuses.map((s) => s.state)).toContain("connecting");
  });

  it("drops the connection on a frame that breaks the stream (protocol id ≠ 0) and fails the request", async () => {
    const { link, sockets, current } = makeLink();
    link.open();
    current().accept();
    const pending = link.request(1, READ);
    const bad = answer(current().tid(0));
    bad.writeUInt16BE(1, 2);
    current().receive(bad);
    await expect(pending).rejects.toMatchObject({ kind: "connection-lost", message: expect.stringMatching(/trama inválida de 10\.0\.0\.5:502: identificador de protocolo 1/) });
    expect(sockets[0]!.destroyed).toBe(true);
    expect(link.stats.protocolErrors).toBe(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(sockets).toHaveLength(2);
  });

  it("a response that does not match the request fails that request only; the connection stays", async () => {
    const { link, sockets, current } = makeLink();
    link.open();
    current().accept();
    const pending = link.request(1, READ);
    current().receive(encodeResponse(current().tid(0), 1, { kind: "registers", functionCode: 0x03, registers: [1, 2, 3] }));
    await expect(pending).rejects.toMatchObject({ kind: "protocol", message: expect.stringMatching(/conteo de bytes 6; para 2 registros se esperaban 4/) });
    expect(sockets[0]!.destroyed).toBe(false);
    expect(link.status.state).toBe("connected");
  });

  it("a peer that closes the connection fails what is pending and reconnects", async () => {
    const { link, sockets, current } = makeLink();
    link.open();
    current().accept();
    const pending = link.request(1, READ);
    current().emit("end");
    await expect(pending).rejects.toMatchObject({ kind: "connection-lost", message: "conexión perdida con 10.0.0.5:502: el dispositivo cerró la conexión" });
    await vi.advanceTimersByTimeAsync(250);
    expect(sockets).toHaveLength(2);
  });

  it("times out a connect that never completes", async () => {
    const { link, current } = makeLink({ connectTimeoutMs: 1500 });
    link.open();
    await vi.advanceTimersByTimeAsync(1500);
    expect(current().destroyed).toBe(true);
    expect(link.status).toEqual({ state: "disconnected", detail: "no se pudo conectar con 10.0.0.5:502: tiempo de conexión agotado (1500 ms)" });
  });

  it("close() fails pending requests, releases the socket and never reconnects", async () => {
    const { link, sockets, current } = makeLink();
    link.open();
    current().accept();
    const pending = link.request(1, READ);
    const closing = link.close();
    await expect(pending).rejects.toMatchObject({ kind: "closed" });
    await closing;
    expect(sockets[0]!.closed).toBe(true);
    expect(link.status.state).toBe("closed");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    await expect(link.request(1, READ)).rejects.toMatchObject({ kind: "closed" });
  });
});
