import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { migrateDatabase, openDatabase, type Database } from "../../db/client";
import { appendEventLog } from "../../db/repositories/event-log";
import { seedCatalogs } from "../../db/seed/catalogs";
import { loadConfig } from "../config";
import { DEMO_SITE } from "../contracts/demo-site";
import { roleKeySchema } from "../contracts/roles";
import { siteSchema, type Site } from "../contracts/site";
import { EVENT_CATEGORY } from "../domain/event-log/index";
import { createLogger } from "../platform/logger";
import { createUserFromCommandLine } from "../services/users/command-line";
import { CliFailure, CliUsageError, EXIT_OK, printJson } from "./output";
import { reconcileCommand } from "./reconcile";
import { bitacoraVerifyCommand } from "./bitacora";
import { backupCommand } from "./backup";
import { vcfCommand } from "./vcf-command";
import { secretsEncryptCommand } from "./secrets";
import { cfdiParseCommand } from "./cfdi";
import { reportVerifyCommand } from "./report-verify";
import { reportDailyCommand } from "./report";
import { reportMonthlyCommand } from "./report-monthly";

export interface Command {
  /** Words after `aforo`, e.g. "users create". */
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  allowPositionals?: boolean;
  /** Set when the command belongs to a later issue: it is registered, documented, and says so. */
  availableIn?: string;
  run?(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.resolve(config.AFORO_DATA_DIR), applicationName: "aforo-cli" });
  try {
    await migrateDatabase(db, { rawRetentionDays: config.AFORO_RAW_RETENTION_DAYS });
    await seedCatalogs(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

function loadSite(site: string): Site {
  if (site === "demo") return DEMO_SITE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(site, "utf8"));
  } catch (error) {
    throw new CliUsageError(`no se pudo leer el sitio ${site}: ${(error as Error).message}`);
  }
  const parsed = siteSchema.safeParse(raw);
  if (!parsed.success) throw new CliUsageError(`sitio inválido en ${site}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** `--leak TQS-EDS-0001=36` (or `EDS-0001/TQS-EDS-0001=36`), repeatable: fault `leak` of the simulators. */
function parseLeakOptions(value: unknown): Array<{ tank: string; litresPerHour: number }> {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.map((item) => {
    const match = /^([^=]+)=(\d+(?:\.\d+)?)$/.exec(String(item));
    if (!match) throw new CliUsageError(`--leak ${String(item)}: se espera TANQUE=LITROS_POR_HORA, p. ej. --leak TQS-EDS-0001=36`);
    return { tank: match[1]!, litresPerHour: Number(match[2]) };
  });
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
}


/** Operating-system account running the command, for the bitácora details (null when the system has none). */
function osUserName(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

export const COMMANDS: Command[] = [
  {
    name: "migrate",
    summary: "Aplica las migraciones y detecta TimescaleDB",
    usage: "aforo migrate",
    options: {},
    async run() {
      const config = loadConfig();
      const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.resolve(config.AFORO_DATA_DIR), applicationName: "aforo-cli" });
      try {
        const capabilities = await migrateDatabase(db, { rawRetentionDays: config.AFORO_RAW_RETENTION_DAYS });
        await seedCatalogs(db);
        printJson({ ok: true, db: db.engine, timescaledb: { enabled: capabilities.enabled, license: capabilities.license, version: capabilities.version } });
      } finally {
        await db.close();
      }
      return EXIT_OK;
    },
  },
  {
    name: "users create",
    summary: "Registra un usuario con contraseña temporal (cambio obligatorio al primer acceso; el primero debe ser Administrador)",
    usage: "aforo users create --username U --role administrador|supervisor|operador|auditor_fiscal [--name NOMBRE]",
    options: { username: { type: "string" }, role: { type: "string" }, name: { type: "string" } },
    async run(values) {
      const input = z
        .object({
          username: z.string().trim().regex(/^[a-z0-9._-]{3,64}$/i, "3 a 64 letras, dígitos, punto, guion o guion bajo"),
          role: roleKeySchema,
          name: z.string().trim().min(1).max(120).optional(),
        })
        .safeParse(values);
      if (!input.success) throw new CliUsageError(z.prettifyError(input.error));
      // A30-ACC-04/05, issue #5 item 2: bootstrap-safe (an empty users table accepts only an
      // Administrador first); bitácora "Alta de usuario (línea de comandos)" by 'sistema'.
      const created = await withDatabase((db) =>
        createUserFromCommandLine(
          db,
          { username: input.data.username, role: input.data.role, displayName: input.data.name ?? input.data.username, osUser: osUserName() },
          new Date(),
        ),
      );
      if (!created.ok) throw created.code === "bootstrap" ? new CliUsageError(created.error) : new CliFailure(created.error);
      // The temporary password is printed this once; the user must change it at the first log-in.
      printJson({ username: created.username, role: created.role, temporaryPassword: created.temporaryPassword, mustChangePassword: true });
      return EXIT_OK;
    },
  },
  {
    name: "simulate",
    summary: "Inicia los simuladores del sitio: OPC UA (tanques), Modbus TCP (dispensarios, ductos) y consola Veeder-Root TLS",
    usage:
      "aforo simulate --site demo|ARCHIVO.json [--port 4840] [--modbus-port 5020] [--tls-port 10001] [--speed 1] [--seed 1] [--leak TANQUE=LITROS_POR_HORA …]   (--leak: falla «fuga», el tanque pierde producto sin venta registrada; A30-INC-01)",
    options: {
      site: { type: "string", default: "demo" },
      port: { type: "string" },
      "modbus-port": { type: "string" },
      "tls-port": { type: "string" },
      speed: { type: "string" },
      seed: { type: "string" },
      leak: { type: "string", multiple: true },
    },
    async run(values) {
      const site = loadSite(String(values.site));
      const leaks = parseLeakOptions(values.leak);
      const numbers = z
        .object({
          port: z.coerce.number().int().min(0).max(65535).optional(),
          "modbus-port": z.coerce.number().int().min(0).max(65535).optional(),
          "tls-port": z.coerce.number().int().min(0).max(65535).optional(),
          speed: z.coerce.number().positive().max(3600).optional(),
          seed: z.coerce.number().int().optional(),
        })
        .safeParse(values);
      if (!numbers.success) throw new CliUsageError(z.prettifyError(numbers.error));
      const logger = createLogger(process.env.LOG_LEVEL ?? "info", "aforo-simulate");
      // Loaded on demand: node-opcua prints a warning on stdout at import, which would break the JSON output of other commands.
      const { startSiteSimulators } = await import("../../collectors/simulators/index");
      const simulators = await startSiteSimulators({
        site,
        opcuaPort: numbers.data.port ?? site.opcua.port,
        modbusPort: numbers.data["modbus-port"],
        tlsPort: numbers.data["tls-port"],
        speed: numbers.data.speed,
        seed: numbers.data.seed,
        logger,
      });
      for (const leak of leaks) simulators.setLeak(leak.tank, leak.litresPerHour);
      printJson({
        ok: true,
        leaks: leaks.length > 0 ? leaks : undefined,
        opcua: simulators.opcua.endpointUrl,
        modbus: `modbus+tcp://127.0.0.1:${simulators.modbus.port}`,
        veederRoot: simulators.veederRoot ? `tcp://127.0.0.1:${simulators.veederRoot.port}` : null,
      });
      await waitForSignal();
      await simulators.stop();
      return EXIT_OK;
    },
  },
  {
    name: "collect",
    summary: "Inicia un colector (OPC UA, Modbus TCP, Veeder-Root TLS) que guarda mediciones en la base de datos",
    usage: "aforo collect --config ARCHIVO.json   (formato en README.md, sección «Colectores»; ejemplo: collectors/collector.example.json)",
    options: { config: { type: "string" } },
    async run(values) {
      // Shared with the bundled collector (dist/collector.mjs, `npm run build:collector`).
      const { runCollectCommand } = await import("../../collectors/collect-command");
      return runCollectCommand(values);
    },
  },
  {
    name: "opcua certificates",
    summary: "Lista los certificados de servidores OPC UA rechazados y de confianza de un colector",
    usage: "aforo opcua certificates --pki CARPETA   (por omisión: <AFORO_DATA_DIR>/opcua-pki/<colector>)",
    options: { pki: { type: "string" } },
    async run(values) {
      if (typeof values.pki !== "string") throw new CliUsageError("falta --pki CARPETA (la carpeta PKI del colector)");
      const { listRejectedCertificates, listTrustedCertificates } = await import("../../collectors/drivers/opcua/pki");
      printJson({ rejected: await listRejectedCertificates(values.pki), trusted: await listTrustedCertificates(values.pki) });
      return EXIT_OK;
    },
  },
  {
    name: "opcua trust",
    summary: "Confía en el certificado de un servidor OPC UA rechazado (queda en la bitácora)",
    usage: "aforo opcua trust --pki CARPETA --thumbprint HUELLA_SHA1   (8+ caracteres iniciales bastan si son únicos)",
    options: { pki: { type: "string" }, thumbprint: { type: "string" } },
    async run(values) {
      if (typeof values.pki !== "string" || typeof values.thumbprint !== "string") throw new CliUsageError("faltan --pki CARPETA y --thumbprint HUELLA");
      const { trustCertificate } = await import("../../collectors/drivers/opcua/pki");
      let certificate;
      try {
        certificate = await trustCertificate(values.pki, values.thumbprint);
      } catch (error) {
        throw new CliFailure((error as Error).message);
      }
      // A30-MS-13: a change of a link's configuration is a bitácora event ("administración del sistema").
      await withDatabase((db) =>
        db.transaction((tx) =>
          appendEventLog(tx, {
            time: new Date(),
            username: `cli:${userInfo().username}`,
            category: EVENT_CATEGORY.systemAdministration,
            eventType: EVENT_CATEGORY.systemAdministration,
            description: `Cambio en la configuración: certificado OPC UA de confianza ${certificate.subject} (${certificate.thumbprint})`.slice(0, 250),
            details: { pkiDir: values.pki, certificate },
          }),
        ),
      );
      printJson({ ok: true, trusted: certificate });
      return EXIT_OK;
    },
  },
  vcfCommand,
  reconcileCommand,
  // Issue #6 item 7: the SAT daily report from the stored records (valid against Diario.schema.json).
  reportDailyCommand,
  // Issue #6 item 7: the SAT monthly report from the stored records (valid against Mensual.schema.json).
  reportMonthlyCommand,
  // A30-CFDI: safe parse + offline verification of a CFDI 3.3/4.0 (issue #6 items 1–2).
  cfdiParseCommand,
  // Issue #6 item 10: detached CMS signature of a report package, checked against the CSD.
  reportVerifyCommand,
  bitacoraVerifyCommand,
  backupCommand,
  // A30-SEC-16: secrets at rest (collector passwords).
  secretsEncryptCommand,
];
