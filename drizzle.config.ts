import { defineConfig } from "drizzle-kit";

/** drizzle-kit: `npm run db:generate -- --name <change>` writes SQL migrations into db/migrations. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});
