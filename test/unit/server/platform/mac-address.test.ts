import { describe, expect, it } from "vitest";
import { MAC_UNAVAILABLE, macAddressOf, parseArpTable } from "../../../../server/platform/mac-address";

const ARP = `IP address       HW type     Flags       HW address            Mask     Device
192.168.10.20    0x1         0x2         3c:52:82:aa:bb:cc     *        eth0
192.168.10.21    0x1         0x0         00:00:00:00:00:00     *        eth0
192.168.10.22    0x1         0x2         3C:52:82:AA:BB:DD     *        eth0
`;

describe("client MAC address for the security log (A30-SEC-10 decision)", () => {
  it("reads complete neighbour entries of /proc/net/arp (lower-case), skipping incomplete ones", () => {
    expect([...parseArpTable(ARP)]).toEqual([
      ["192.168.10.20", "3c:52:82:aa:bb:cc"],
      ["192.168.10.22", "3c:52:82:aa:bb:dd"],
    ]);
  });

  it("a neighbour is named; anything else (loopback, behind a router, unreadable table) is «no disponible»", () => {
    expect(macAddressOf("192.168.10.20", 1, () => ARP)).toBe("3c:52:82:aa:bb:cc");
    expect(macAddressOf("::ffff:192.168.10.22", 2, () => ARP)).toBe("3c:52:82:aa:bb:dd");
    expect(macAddressOf("127.0.0.1", 3, () => ARP)).toBe(MAC_UNAVAILABLE);
    expect(macAddressOf(null)).toBe(MAC_UNAVAILABLE);
    expect(
      macAddressOf("192.168.10.20", 10_000_000, () => {
        throw new Error("ENOENT");
      }),
    ).toBe(MAC_UNAVAILABLE);
  });
});
