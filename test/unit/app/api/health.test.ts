import { afterEach, describe, expect, it } from "vitest";
import { GET } from "../../../../app/api/health/route";
import { registerRuntime, unregisterRuntime, type AforoRuntime } from "../../../../server/http/runtime";
import { registerRelease, unregisterRelease } from "../../../../server/services/release/current";

function runtimeWith(engine: "pglite" | "postgres", up: boolean, capabilities = { enabled: true, license: "apache" as const }): AforoRuntime {
  return {
    db: { engine } as AforoRuntime["db"],
    capabilities: { ...capabilities, version: "2.19.3", hypertable: capabilities.enabled, continuousAggregates: false },
    version: "1.2.3",
    config: { AFORO_ENV: "production" },
    isDatabaseUp: async () => (up ? { ok: true } : { ok: false, reason: "la base de datos no respondió en 3 s" }),
  } as unknown as AforoRuntime;
}

afterEach(() => {
  unregisterRuntime();
  unregisterRelease();
});

describe("GET /api/health (design.md §3 contract)", () => {
  it("200 with engine, version and TimescaleDB capabilities", async () => {
    registerRuntime(runtimeWith("postgres", true));
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      status: "ok",
      version: "1.2.3",
      environment: "production",
      db: "postgres",
      timescaledb: { enabled: true, license: "apache" },
      release: { hash: null, manifest: "unchecked" },
    });
  });

  it("reports the start-up release check in both answers (A30-SEC-14)", async () => {
    const hash = "ab".repeat(32);
    registerRelease({ version: "1.2.3", hash, manifest: "mismatch", changed: ["server/main.ts"], missing: [], added: [] });
    registerRuntime(runtimeWith("postgres", true));
    expect((await (await GET()).json()).release).toEqual({ hash, manifest: "mismatch" });
    registerRuntime(runtimeWith("postgres", false));
    const down = await GET();
    expect(down.status).toBe(503);
    expect((await down.json()).release).toEqual({ hash, manifest: "mismatch" });
  });

  it("503 with a reason when the database does not answer", async () => {
    registerRuntime(runtimeWith("postgres", false));
    const response = await GET();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.status).toBe("error");
    expect(body.reason).toContain("no respondió");
    // A30-SEC-12: the environment mode in both answers.
    expect(body.environment).toBe("production");
  });

  it("embedded engine reports timescaledb disabled with a null license", async () => {
    registerRuntime(runtimeWith("pglite", true, { enabled: false, license: null as never }));
    expect(await (await GET()).json()).toMatchObject({ db: "pglite", timescaledb: { enabled: false, license: null } });
  });
});
