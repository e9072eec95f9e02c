/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib/PNG/gzip), table-driven
 * ("slicing-by-4": four bytes per step), no dependencies. Frames every spool record so that a torn
 * or corrupted write is detected on recovery. Check value: crc32("123456789") = 0xCBF43926.
 */

const TABLES: Uint32Array[] = (() => {
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t0[n] = c >>> 0;
  }
  // tK[n] = CRC of byte n followed by K zero bytes: lets one step consume four bytes.
  const tables = [t0];
  for (let k = 1; k < 4; k++) {
    const prev = tables[k - 1]!;
    const next = new Uint32Array(256);
    for (let n = 0; n < 256; n++) next[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    tables.push(next);
  }
  return tables;
})();
const [T0, T1, T2, T3] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];

/** CRC-32 of `bytes[start, end)`; pass a previous result as `seed` to continue a running CRC. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, seed = 0): number {
  let crc = (seed ^ 0xffffffff) >>> 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    crc ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    crc = T3[crc & 0xff]! ^ T2[(crc >>> 8) & 0xff]! ^ T1[(crc >>> 16) & 0xff]! ^ T0[crc >>> 24]!;
  }
  for (; i < end; i++) crc = T0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
