import { parseArgs } from "node:util";
import { ConfigError } from "../config";
import { COMMANDS, type Command } from "./commands";
import { CliFailure, CliUsageError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, printJson } from "./output";

/** `aforo` entry point: finds the longest matching command name, parses its options, runs it. */
export async function runCli(argv: string[]): Promise<number> {
  const wantsHelp = argv.includes("--help") || argv.includes("-h");
  const words = argv.filter((a) => !a.startsWith("-"));
  const command = findCommand(words);
  if (!command) {
    if (wantsHelp || argv.length === 0) {
      process.stdout.write(generalHelp());
      return argv.length === 0 ? EXIT_BAD_INPUT : EXIT_OK;
    }
    printJson({ error: `comando desconocido: ${words.join(" ") || argv.join(" ")}. Use 'aforo --help'.` });
    return EXIT_BAD_INPUT;
  }
  if (wantsHelp) {
    process.stdout.write(`${command.summary}\n\nUso: ${command.usage}\n`);
    return EXIT_OK;
  }
  const rest = joinNegativeValues(argv.slice(argv.indexOf(command.name.split(" ").at(-1)!) + 1));
  if (command.availableIn || !command.run) {
    printJson({ error: `'aforo ${command.name}' todavía no está disponible en esta versión; llega con ${command.availableIn}.`, usage: command.usage });
    return EXIT_FAILURE;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: command.allowPositionals ?? false, strict: true });
  } catch (error) {
    printJson({ error: (error as Error).message, usage: command.usage });
    return EXIT_BAD_INPUT;
  }
  try {
    return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof ConfigError) {
      printJson({ error: error.message, usage: command.usage });
      return EXIT_BAD_INPUT;
    }
    if (error instanceof CliFailure) {
      printJson({ error: error.message });
      return EXIT_FAILURE;
    }
    printJson({ error: (error as Error).message });
    return EXIT_FAILURE;
  }
}

/** `--temp-c -32.8` → `--temp-c=-32.8`: parseArgs would read a negative number as an option. */
function joinNegativeValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg.startsWith("--") && !arg.includes("=") && next !== undefined && /^-\d+(\.\d+)?$/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function findCommand(words: string[]): Command | undefined {
  const sorted = [...COMMANDS].sort((a, b) => b.name.split(" ").length - a.name.split(" ").length);
  return sorted.find((c) => c.name.split(" ").every((w, i) => words[i] === w));
}

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Aforo: controles volumétricos (Anexo 30) — línea de comandos",
    "",
    "Uso: aforo <comando> [opciones]   (salida JSON; código 0 éxito, 1 hallazgo/falla, 2 entrada inválida)",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}${c.availableIn ? ` [${c.availableIn}]` : ""}`),
    "",
    "Use 'aforo <comando> --help' para las opciones de cada comando.",
    "",
  ].join("\n");
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    printJson({ error: (error as Error).message });
    process.exitCode = EXIT_FAILURE;
  },
);
