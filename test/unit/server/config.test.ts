import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, ConfigError, loadConfig } from "../../../server/config";

describe("server configuration (design.md §3 environment)", () => {
  it("applies the contract's defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: "127.0.0.1", AFORO_DATA_DIR: "./data", AFORO_IDLE_TIMEOUT_S: 600, AFORO_DEMO: false });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: " " }).PORT).toBe(3000);
  });

  it("A30-SEC-09: refuses an idle timeout above 600 s", () => {
    expect(() => loadConfig({ AFORO_IDLE_TIMEOUT_S: "601" })).toThrow(ConfigError);
    expect(loadConfig({ AFORO_IDLE_TIMEOUT_S: "300" }).AFORO_IDLE_TIMEOUT_S).toBe(300);
    expect(() => loadConfig({ AFORO_IDLE_TIMEOUT_S: "601" })).toThrow(/a lo más 600 s/);
    // short limits are allowed (the e2e test uses 5 s); zero is not
    expect(loadConfig({ AFORO_IDLE_TIMEOUT_S: "5" }).AFORO_IDLE_TIMEOUT_S).toBe(5);
    expect(() => loadConfig({ AFORO_IDLE_TIMEOUT_S: "0" })).toThrow(ConfigError);
  });

  it("issue #5 item 10: rate limits default to 60 log-ins and 1200 API requests per address per minute", () => {
    expect(loadConfig({})).toMatchObject({ AFORO_RATE_LIMIT_LOGIN_PER_MIN: 60, AFORO_RATE_LIMIT_API_PER_MIN: 1200 });
    expect(loadConfig({ AFORO_RATE_LIMIT_LOGIN_PER_MIN: "10" }).AFORO_RATE_LIMIT_LOGIN_PER_MIN).toBe(10);
    expect(() => loadConfig({ AFORO_RATE_LIMIT_API_PER_MIN: "0" })).toThrow(ConfigError);
  });

  it("lists every bad variable at once, naming it", () => {
    try {
      loadConfig({ PORT: "abc", DATABASE_URL: "mysql://x", AFORO_ENCRYPTION_KEY: "short" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues.join("\n");
      expect(issues).toContain("PORT=");
      expect(issues).toContain("DATABASE_URL=");
      expect(issues).toContain("AFORO_ENCRYPTION_KEY=");
    }
  });

  it("requires TLS certificate and key together", () => {
    expect(() => loadConfig({ AFORO_TLS_CERT: "/tmp/cert.pem" })).toThrow(/AFORO_TLS_KEY/);
  });

  it("AFORO_DEMO=1 turns the demo on", () => {
    expect(loadConfig({ AFORO_DEMO: "1" }).AFORO_DEMO).toBe(true);
  });

  it("AFORO_DEMO_HISTORY_DAYS (issue #6 item 14): unset by default, 1–62 days, anything else refused with the range", () => {
    expect(loadConfig({}).AFORO_DEMO_HISTORY_DAYS).toBeUndefined();
    expect(loadConfig({ AFORO_DEMO_HISTORY_DAYS: "2" }).AFORO_DEMO_HISTORY_DAYS).toBe(2);
    expect(loadConfig({ AFORO_DEMO_HISTORY_DAYS: "62" }).AFORO_DEMO_HISTORY_DAYS).toBe(62);
    for (const bad of ["0", "63", "1.5", "diez"]) expect(() => loadConfig({ AFORO_DEMO_HISTORY_DAYS: bad })).toThrow(/AFORO_DEMO_HISTORY_DAYS/);
  });

  it("AFORO_ENV (A30-SEC-12): production by default, demo with AFORO_DEMO=1, test on request; production with the demo is refused", () => {
    expect(loadConfig({}).AFORO_ENV).toBe("production");
    expect(loadConfig({ AFORO_DEMO: "1" }).AFORO_ENV).toBe("demo");
    expect(loadConfig({ AFORO_ENV: "test" }).AFORO_ENV).toBe("test");
    expect(loadConfig({ AFORO_ENV: "test", AFORO_DEMO: "1" }).AFORO_ENV).toBe("test");
    expect(() => loadConfig({ AFORO_ENV: "production", AFORO_DEMO: "1" })).toThrow(/en modo production no hay usuarios ni datos de demostración/);
    expect(() => loadConfig({ AFORO_ENV: "staging" })).toThrow(/AFORO_ENV/);
    expect(CONFIG_KEYS).toContain("AFORO_ENV");
  });

  it("exports every key of the contract", () => {
    for (const key of ["DATABASE_URL", "AFORO_DATA_DIR", "PORT", "HOST", "AUTH_SECRET", "AFORO_ENCRYPTION_KEY", "AFORO_IDLE_TIMEOUT_S", "AFORO_DEMO", "AFORO_TLS_CERT", "AFORO_TLS_KEY"]) {
      expect(CONFIG_KEYS).toContain(key);
    }
  });
});
