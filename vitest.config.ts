import { configDefaults, defineConfig } from "vitest/config";

/**
 * Two vitest projects (vitest 4 `test.projects`):
 *  - unit:        pure and fast, no database, no network; files run in parallel.
 *  - integration: real PGlite and real PostgreSQL/TimescaleDB (`TEST_DATABASE_URL`, provided by
 *                 `.ci/db-local.sh` under `npm run test:full`), real sockets. Files run one at a
 *                 time because they share one PostgreSQL cluster and open ports.
 * test/e2e belongs to Playwright (playwright.config.ts) and is never collected here.
 */
const exclude = [...configDefaults.exclude, "test/e2e/**", ".next/**", "data/**", ".ci/.work/**"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["test/unit/**/*.test.ts"],
          exclude,
        },
      },
      {
        test: {
          name: "integration",
          environment: "node",
          include: ["test/integration/**/*.test.ts"],
          exclude,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
