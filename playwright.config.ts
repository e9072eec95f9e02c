import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests: Debian's Chromium (/usr/bin/chromium, never a downloaded browser) against the
 * real server in demo mode (embedded database, OPC UA simulator, collector) on a throwaway data dir.
 */
const PORT = Number(process.env.E2E_PORT ?? 3123);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = ".ci/.work/e2e-data";

export default defineConfig({
  testDir: "test/e2e",
  outputDir: "test-results/e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: BASE_URL,
    headless: true,
    locale: "es-MX",
    timezoneId: "America/Mexico_City",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: `rm -rf ${DATA_DIR} && npx next build && npx tsx server/main.ts`,
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      AFORO_DEMO: "1",
      AFORO_DATA_DIR: DATA_DIR,
      AFORO_SIM_OPCUA_PORT: "0",
      AFORO_SIM_MODBUS_PORT: "0",
      AFORO_SIM_TLS_PORT: "0",
      LOG_LEVEL: "warn",
      // Every spec logs in from 127.0.0.1 many times a minute; the limiter itself is tested in
      // test/integration/server/http/front.test.ts with small limits.
      AFORO_RATE_LIMIT_LOGIN_PER_MIN: "600",
      AFORO_RATE_LIMIT_API_PER_MIN: "20000",
    },
  },
});
