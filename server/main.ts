import { ConfigError, loadConfig } from "./config";
import { createLogger } from "./platform/logger";
import { startServer } from "./start-server";

/** Entry point of `npm run demo` / `npm start`: start, and stop gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const server = await startServer(config, logger);
  if (config.AFORO_DEMO) {
    // A plain line for the person who just typed `npm run demo` (the JSON logs are for machines).
    process.stderr.write(`\nAforo listo en ${server.url}  (demo: admin / Aforo#Admin2026 · Ctrl+C para detener)\n\n`);
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, "segunda señal: salida inmediata");
      process.exit(130);
    }
    server.stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ error: (error as Error).message }, "error al detener");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(`Aforo no pudo iniciar: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
