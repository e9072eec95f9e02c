import net from "node:net";

/**
 * A TCP relay in front of a server (PostgreSQL) that a test can cut and restore: `cut()` closes
 * the listening socket and resets every relayed connection (clients see "connection terminated"
 * then "ECONNREFUSED", as when the database host goes away); `restore()` listens again on the same
 * port. Lets a test take "the database" down for a collector without stopping a shared cluster.
 */
export interface TcpProxy {
  readonly port: number;
  /** `postgres://…` URL with host/port replaced by the proxy's. */
  rewriteUrl(url: string): string;
  readonly isCut: boolean;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, listenPort = 0): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = listenPort;
  let cut = false;

  function relay(client: net.Socket): void {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
  }

  async function listen(): Promise<void> {
    const s = net.createServer(relay);
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve());
    });
    port = (s.address() as net.AddressInfo).port;
    server = s;
  }

  async function stopListening(): Promise<void> {
    const s = server;
    server = null;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await listen();
  return {
    get port() {
      return port;
    },
    get isCut() {
      return cut;
    },
    rewriteUrl(url) {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    async cut() {
      if (cut) return;
      cut = true;
      await stopListening();
    },
    async restore() {
      if (!cut) return;
      // The port was just released by us; retry briefly in case the kernel still holds it.
      for (let attempt = 0; ; attempt++) {
        try {
          await listen();
          break;
        } catch (error) {
          if (attempt > 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      cut = false;
    },
    async close() {
      cut = true;
      await stopListening();
    },
  };
}
