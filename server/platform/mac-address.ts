import { readFileSync } from "node:fs";

/**
 * The MAC address of a client on the server's own network segment (A30-SEC-10 decision: recorded
 * when obtainable, otherwise "no disponible"). Linux keeps its neighbours in /proc/net/arp; a
 * client behind a router shows the router's address there, so only direct neighbours are named.
 * The table is re-read at most every 30 s.
 */
export const MAC_UNAVAILABLE = "no disponible";

const EMPTY_MAC = "00:00:00:00:00:00";
const CACHE_MS = 30_000;
let cache: { at: number; table: Map<string, string> } | null = null;

/** IP → MAC from the text of /proc/net/arp (complete entries only: flags 0x2). */
export function parseArpTable(text: string): Map<string, string> {
  const table = new Map<string, string>();
  for (const line of text.split("\n").slice(1)) {
    const [ip, , flags, mac] = line.trim().split(/\s+/);
    if (!ip || !mac || mac === EMPTY_MAC || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)) continue;
    if (flags && (Number.parseInt(flags, 16) & 0x2) === 0) continue;
    table.set(ip, mac.toLowerCase());
  }
  return table;
}

export function macAddressOf(ip: string | null | undefined, nowMs = Date.now(), read: () => string = () => readFileSync("/proc/net/arp", "utf8")): string {
  if (!ip) return MAC_UNAVAILABLE;
  if (!cache || nowMs - cache.at > CACHE_MS) {
    let table = new Map<string, string>();
    try {
      table = parseArpTable(read());
    } catch {
      // Not Linux, or no access: the address is simply not obtainable.
    }
    cache = { at: nowMs, table };
  }
  return cache.table.get(ip.replace(/^::ffff:/, "")) ?? MAC_UNAVAILABLE;
}
