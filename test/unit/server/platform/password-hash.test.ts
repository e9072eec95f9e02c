import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../../../server/platform/password-hash";

describe("password hashing (A30-SEC-06)", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const stored = await hashPassword("Aforo#Admin2026");
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored).not.toContain("Aforo#Admin2026");
    expect(await verifyPassword("Aforo#Admin2026", stored)).toBe(true);
    expect(await verifyPassword("aforo#admin2026", stored)).toBe(false);
  });

  it("salts: the same password hashes differently each time", async () => {
    expect(await hashPassword("x")).not.toBe(await hashPassword("x"));
  });

  it("rejects malformed stored hashes instead of throwing", async () => {
    expect(await verifyPassword("x", "md5$abc")).toBe(false);
    expect(await verifyPassword("x", "")).toBe(false);
  });
});
