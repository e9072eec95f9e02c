import { parseArgs } from "node:util";
import { ConfigError } from "../server/config";
import { CliUsageError, EXIT_BAD_INPUT, EXIT_FAILURE, printJson } from "../server/cli/output";
import { runCollectCommand } from "./collect-command";

/**
 * Entry of the bundled collector, `dist/collector.mjs` (`npm run build:collector`):
 *
 *   node dist/collector.mjs collect --config /etc/aforo/collector.json
 *
 * Same command, options, JSON output and exit codes as `aforo collect` (design.md §3), without
 * tsx and without the rest of the CLI loaded: a collector at a site keeps its resident memory
 * for the tags (BENCHMARKS.md, «RSS del colector»).
 */
const USAGE = "node dist/collector.mjs collect --config ARCHIVO.json";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "collect") {
    printJson({ error: `comando desconocido: ${command ?? "(ninguno)"}; este ejecutable solo admite 'collect'`, usage: USAGE });
    return EXIT_BAD_INPUT;
  }
  let values;
  try {
    values = parseArgs({ args: rest, options: { config: { type: "string" } }, strict: true }).values;
  } catch (error) {
    printJson({ error: (error as Error).message, usage: USAGE });
    return EXIT_BAD_INPUT;
  }
  try {
    return await runCollectCommand(values);
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof ConfigError) {
      printJson({ error: error.message, usage: USAGE });
      return EXIT_BAD_INPUT;
    }
    printJson({ error: (error as Error).message });
    return EXIT_FAILURE;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    printJson({ error: (error as Error).message });
    process.exitCode = EXIT_FAILURE;
  },
);
