import { z } from "zod";
import type { Logger } from "../../../server/platform/logger";
import { ENCRYPTED_SECRET_PATTERN, decryptSecretText } from "../../../server/platform/secret-box";
import type { OpcuaDriverOptions, OpcuaOutage } from "./opcua-driver";
import { SECRET_MASK, SecretString } from "./secret";

/**
 * Configuration of one OPC UA link (A30-MS-13: endpoint, security mode, node IDs), validated once
 * at the composition root. Defaults follow A30-MS-14: `SignAndEncrypt` with `Basic256Sha256`; a
 * link without security (`None`) must say why (`securityNoneReason`), which the caller records in
 * the bitácora together with the warning of `securityWarning`.
 *
 * Secrets: `auth.password` comes out of the schema as a `SecretString`, so the parsed config can be
 * logged or serialised without leaking it (`redactOpcuaConnection` gives the masked plain object
 * for the bitácora entry "cambio en la configuración"). In the file it is either plain text (still
 * accepted; `aforo collect` warns) or `{ "encrypted": "aforo:v1:…" }` from `aforo secrets encrypt`,
 * decrypted at load with AFORO_ENCRYPTION_KEY (A30-SEC-16, secrets at rest).
 *
 * OPC UA references: Part 4 §5.13.2 (CreateSubscription: publishing interval, lifetime and
 * keep-alive counts), §7.21 (MonitoringParameters: sampling interval, queue size), §7.22.2
 * (DataChangeFilter: absolute / percent deadband), §7.41 (UserIdentityToken); Part 2 §6 (security
 * modes and policies).
 */

export const OPCUA_SECURITY_MODES = ["None", "Sign", "SignAndEncrypt"] as const;
export const OPCUA_SECURITY_POLICIES = ["Basic256Sha256", "Aes128_Sha256_RsaOaep"] as const;

export type OpcuaSecurityModeName = (typeof OPCUA_SECURITY_MODES)[number];
export type OpcuaSecurityPolicyName = (typeof OPCUA_SECURITY_POLICIES)[number];

/** `ns=<n>;…`, `nsu=<uri>;…` or namespace 0, with a numeric, string, GUID or opaque identifier. */
const NODE_ID_PATTERN = /^(?:(?:ns=\d+|nsu=[^;]+);)?(?:i=\d+|s=.+|g=[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|b=[A-Za-z0-9+/=]+)$/;
const ENDPOINT_PATTERN = /^opc\.tcp:\/\/(?:\[[0-9A-Fa-f:.]+\]|[^/\s:[\]]+):\d{1,5}(?:\/\S*)?$/;

/** How encrypted passwords are opened; both optional (a config without them is parsed as before). */
export interface OpcuaParseOptions {
  /** AFORO_ENCRYPTION_KEY (64 hex); called only when the link has an encrypted password. */
  encryptionKey?: () => string;
  /** Names the link in the decryption error (the collector file's component, e.g. CANAL:OPCUA-EDS-0001). */
  linkName?: string;
}

/** `{ "encrypted": "aforo:v1:…" }`: a password encrypted with `aforo secrets encrypt` (A30-SEC-16). */
export const encryptedSecretSchema = z
  .object({
    encrypted: z.string().trim().regex(ENCRYPTED_SECRET_PATTERN, { error: "se espera el texto de «aforo secrets encrypt» (aforo:v1:…)" }),
  })
  .strict();

function makeSecretSchema(options: OpcuaParseOptions) {
  return z
    .union([z.string().min(1, { error: "la contraseña no puede estar vacía" }), z.instanceof(SecretString), encryptedSecretSchema])
    .transform((value, ctx) => {
      if (value instanceof SecretString) return value;
      if (typeof value === "string") return new SecretString(value);
      const link = options.linkName ? ` del enlace ${options.linkName}` : "";
      if (!options.encryptionKey) {
        ctx.addIssue({ code: "custom", message: `contraseña cifrada${link}: falta la clave AFORO_ENCRYPTION_KEY para descifrarla` });
        return z.NEVER;
      }
      try {
        return new SecretString(decryptSecretText(value.encrypted, options.encryptionKey()));
      } catch (error) {
        // Never a garbage password: a wrong key or an altered value stops the load (A30-SEC-16).
        ctx.addIssue({ code: "custom", message: `contraseña cifrada${link}: ${(error as Error).message}` });
        return z.NEVER;
      }
    });
}

function makeOpcuaAuthSchema(options: OpcuaParseOptions) {
  return z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("anonymous") }).strict(),
    z
      .object({
        kind: z.literal("username"),
        username: z.string().trim().min(1, { error: "indique el usuario" }).max(256),
        password: makeSecretSchema(options),
      })
      .strict(),
  ]);
}

export const opcuaAuthSchema = makeOpcuaAuthSchema({});

export const opcuaDeadbandSchema = z
  .object({
    /** Part 4 §7.22.2: absolute (engineering units) or percent of the EURange (AnalogItem only). */
    kind: z.enum(["absolute", "percent"]),
    value: z.number().finite().min(0, { error: "la banda muerta no puede ser negativa" }),
  })
  .strict()
  .refine((d) => d.kind !== "percent" || d.value <= 100, { error: "una banda muerta porcentual va de 0 a 100", path: ["value"] });

export const opcuaTagSchema = z
  .object({
    tag: z.string().trim().min(1).max(200),
    nodeId: z.string().trim().regex(NODE_ID_PATTERN, { error: "NodeId inválido (ej. ns=2;s=Tanque1.Nivel o nsu=urn:…;s=…)" }),
    /** Part 4 §7.21; 0 asks for the fastest rate (exception-based servers report every change). */
    samplingIntervalMs: z.number().int().min(0).max(3_600_000).optional(),
    queueSize: z.number().int().min(1).max(10_000).optional(),
    deadband: opcuaDeadbandSchema.optional(),
  })
  .strict();

export const opcuaSubscriptionSchema = z
  .object({
    publishingIntervalMs: z.number().int().min(50).max(3_600_000).default(1000),
    lifetimeCount: z.number().int().min(3).max(100_000).default(60),
    maxKeepAliveCount: z.number().int().min(1).max(10_000).default(10),
  })
  .strict()
  // Part 4 §5.13.2: the lifetime count shall be at least three times the keep-alive count.
  .refine((s) => s.lifetimeCount >= 3 * s.maxKeepAliveCount, {
    error: "lifetimeCount debe ser al menos 3 × maxKeepAliveCount (OPC UA Parte 4 §5.13.2)",
    path: ["lifetimeCount"],
  });

function makeOpcuaConnectionSchema(options: OpcuaParseOptions) {
  return z
    .object({
      kind: z.literal("opcua"),
      endpointUrl: z.string().trim().regex(ENDPOINT_PATTERN, { error: "debe ser una URL opc.tcp://host:puerto" }),
      securityMode: z.enum(OPCUA_SECURITY_MODES).default("SignAndEncrypt"),
      securityPolicy: z.enum(OPCUA_SECURITY_POLICIES).default("Basic256Sha256"),
      /** Required with securityMode None (A30-MS-14); recorded in the bitácora. */
      securityNoneReason: z.string().trim().min(10, { error: "explique el motivo (al menos 10 caracteres)" }).max(500).optional(),
      auth: makeOpcuaAuthSchema(options).prefault({ kind: "anonymous" }),
      /** Client PKI store (own certificate, trusted/ and rejected/ server certificates). */
      pkiDir: z.string().trim().min(1, { error: "indique la carpeta PKI del colector" }),
      subscription: opcuaSubscriptionSchema.prefault({}),
      tags: z.array(opcuaTagSchema).min(1, { error: "indique al menos una etiqueta" }),
    })
    .strict()
    .superRefine((config, ctx) => {
      if (config.securityMode === "None" && config.securityNoneReason === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["securityNoneReason"],
          message: "un enlace OPC UA sin seguridad (None) requiere el motivo, que se registra en la bitácora (A30-MS-14)",
        });
      }
      if (config.securityMode !== "None" && config.securityNoneReason !== undefined) {
        ctx.addIssue({ code: "custom", path: ["securityNoneReason"], message: "securityNoneReason solo aplica con securityMode None" });
      }
      const seen = new Set<string>();
      config.tags.forEach((tag, index) => {
        if (seen.has(tag.tag)) ctx.addIssue({ code: "custom", path: ["tags", index, "tag"], message: `etiqueta repetida: ${tag.tag}` });
        seen.add(tag.tag);
      });
    });
}

/** The link schema without a decryption key (an encrypted password is then an error). */
export const opcuaConnectionSchema = makeOpcuaConnectionSchema({});

/** What a caller writes (password as text). */
export type OpcuaConnectionInput = z.input<typeof opcuaConnectionSchema>;
/** What the schema returns (defaults applied, password as `SecretString`). */
export type OpcuaConnectionConfig = z.output<typeof opcuaConnectionSchema>;
export type OpcuaAuth = z.output<typeof opcuaAuthSchema>;
export type OpcuaDeadband = z.output<typeof opcuaDeadbandSchema>;
export type OpcuaTagConfig = z.output<typeof opcuaTagSchema>;

export type ParseResult = { ok: true; config: OpcuaConnectionConfig } | { ok: false; errors: string[] };

/**
 * Parses a link configuration; on failure lists every bad key as `path: message` (Spanish).
 * `options.encryptionKey` opens `{ "encrypted": … }` passwords (A30-SEC-16).
 */
export function parseOpcuaConnection(input: unknown, options: OpcuaParseOptions = {}): ParseResult {
  const schema = options.encryptionKey || options.linkName ? makeOpcuaConnectionSchema(options) : opcuaConnectionSchema;
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(raíz)"}: ${issue.message}`),
  };
}

/**
 * Plain, JSON-safe copy with the password masked: for logs and for the old/new values of the
 * bitácora entry "cambio en la configuración" (A30-MS-13). Accepts the input or the parsed form.
 */
export function redactOpcuaConnection(config: OpcuaConnectionInput | OpcuaConnectionConfig): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  const auth = copy.auth as Record<string, unknown> | undefined;
  if (auth && "password" in auth) auth.password = SECRET_MASK;
  return copy;
}

/** One line for logs and the UI, never with the password. */
export function describeOpcuaConnection(config: OpcuaConnectionConfig): string {
  const security = config.securityMode === "None" ? "None (sin cifrado)" : `${config.securityMode}/${config.securityPolicy}`;
  const auth = config.auth.kind === "username" ? `usuario ${config.auth.username}` : "anónimo";
  return `${config.endpointUrl} · ${security} · ${auth} · ${config.tags.length} etiqueta(s)`;
}

/**
 * The warning a link without security carries on the link and in the compliance checklist
 * (A30-MS-14), with its recorded reason; null for Sign/SignAndEncrypt. `Sign` is integrity only:
 * it also gets a (milder) warning since A30-MS-14 asks for encryption.
 */
export function securityWarning(config: OpcuaConnectionConfig): string | null {
  if (config.securityMode === "None") {
    return `enlace OPC UA sin firma ni cifrado (securityMode None); motivo registrado: ${config.securityNoneReason ?? "(sin motivo)"}`;
  }
  if (config.securityMode === "Sign") return "enlace OPC UA firmado pero sin cifrar (securityMode Sign)";
  return null;
}

/** Run-time knobs that are not part of the stored link configuration. */
export interface OpcuaRuntimeOptions {
  name?: string;
  logger?: Logger;
  now?: () => Date;
  onOutage?: (outage: OpcuaOutage) => void;
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
  watchdogMs?: number;
  /** Demo simulator only: trust the server certificate the first time it is seen. */
  trustOnFirstUse?: boolean;
}

/** Maps a parsed link configuration onto the driver's options. */
export function opcuaDriverOptionsFromConfig(config: OpcuaConnectionConfig, runtime: OpcuaRuntimeOptions = {}): OpcuaDriverOptions {
  return {
    ...runtime,
    endpointUrl: config.endpointUrl,
    securityMode: config.securityMode,
    securityPolicy: config.securityMode === "None" ? "None" : config.securityPolicy,
    auth: config.auth,
    pkiDir: config.pkiDir,
    publishingIntervalMs: config.subscription.publishingIntervalMs,
    lifetimeCount: config.subscription.lifetimeCount,
    maxKeepAliveCount: config.subscription.maxKeepAliveCount,
    tags: config.tags.map((t) => ({
      tag: t.tag,
      nodeId: t.nodeId,
      samplingIntervalMs: t.samplingIntervalMs,
      queueSize: t.queueSize,
      deadband: t.deadband,
    })),
  };
}
