import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, isTraversalAttempt } from "../../../../server/http/front";
import { csrfTokensMatch, newCsrfToken } from "../../../../server/http/csrf";

describe("front-layer rules (issue #5 item 10, A30-SEC-15)", () => {
  it("CSP: scripts only with this request's nonce (no 'unsafe-inline' for scripts), no framing", () => {
    const csp = contentSecurityPolicy("abc123", false);
    const script = csp.split("; ").find((d) => d.startsWith("script-src"))!;
    expect(script).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(script).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy("n", true)).toContain("upgrade-insecure-requests");
  });

  it.each([
    "/api/security-log/export/../../../etc/passwd",
    "/api/%2e%2e/%2e%2e/etc/passwd",
    "/_next/static/..%2f..%2fpackage.json",
    "/api/x%252e%252e%252fpasswd",
    "/api/x/..\\..\\windows",
    "/api/a%00b",
    "/api/%E0%A4%A",
  ])("path traversal %s is refused", (url) => {
    expect(isTraversalAttempt(url)).toBe(true);
  });

  it.each(["/api/bitacora?desde=2026-01-01", "/tablero", "/api/users/12", "/_next/static/chunks/app.js", "/api/security-log/export?format=csv&username=..x"])(
    "ordinary path %s passes",
    (url) => {
      expect(isTraversalAttempt(url)).toBe(false);
    },
  );

  it("CSRF tokens: random, compared exactly; missing or different header fails", () => {
    const token = newCsrfToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newCsrfToken()).not.toBe(token);
    expect(csrfTokensMatch(token, token)).toBe(true);
    expect(csrfTokensMatch(token, undefined)).toBe(false);
    expect(csrfTokensMatch(token, `${token.slice(0, -1)}x`)).toBe(false);
    expect(csrfTokensMatch(undefined, token)).toBe(false);
    expect(csrfTokensMatch("short", "short")).toBe(false);
  });
});
