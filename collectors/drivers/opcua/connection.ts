import os from "node:os";
import path from "node:path";
import { MessageSecurityMode, SecurityPolicy, UserTokenType, type UserIdentityInfo } from "node-opcua";
import { revealSecret, type SecretString } from "./secret";

/**
 * What the driver and the browse helper share: security settings, user identity and the PKI folder.
 *
 * Security (Part 2 §6, Part 4 §5.5.2 OpenSecureChannel): `None` (no signature, no encryption),
 * `Sign` (integrity) or `SignAndEncrypt` (integrity + confidentiality), with the policies
 * Basic256Sha256 or Aes128_Sha256_RsaOaep. The user identity token (Part 4 §7.41) is anonymous or
 * user name + password; node-opcua encrypts the password with the server's certificate per the
 * endpoint's user token policy.
 */

export type OpcuaSecurityMode = "None" | "Sign" | "SignAndEncrypt";
export type OpcuaSecurityPolicy = "None" | "Basic256Sha256" | "Aes128_Sha256_RsaOaep";
export type OpcuaAuthOption = { kind: "anonymous" } | { kind: "username"; username: string; password: SecretString | string };

export interface OpcuaEndpointOptions {
  endpointUrl: string;
  /** Default None for the raw driver (legacy callers); configured links come from `opcuaConnectionSchema`, which defaults to SignAndEncrypt. */
  securityMode?: OpcuaSecurityMode;
  securityPolicy?: OpcuaSecurityPolicy;
  auth?: OpcuaAuthOption;
  /** Client PKI folder. Default: <tmpdir>/aforo-opcua-pki/collector (never inside the repository). */
  pkiDir?: string;
  /** Demo simulator only: trust an unknown server certificate on first use. */
  trustOnFirstUse?: boolean;
}

export function defaultPkiDir(): string {
  return path.join(os.tmpdir(), "aforo-opcua-pki", "collector");
}

/** node-opcua's enums for a mode/policy pair; a secure mode needs a real policy. */
export function resolveSecurity(
  mode: OpcuaSecurityMode = "None",
  policy?: OpcuaSecurityPolicy,
): { securityMode: MessageSecurityMode; securityPolicy: SecurityPolicy; label: string } {
  if (mode === "None") return { securityMode: MessageSecurityMode.None, securityPolicy: SecurityPolicy.None, label: "None" };
  const effective = policy ?? "Basic256Sha256";
  if (effective === "None") throw new Error(`el modo ${mode} requiere una política de seguridad (Basic256Sha256 o Aes128_Sha256_RsaOaep)`);
  return { securityMode: MessageSecurityMode[mode], securityPolicy: SecurityPolicy[effective], label: `${mode}/${effective}` };
}

export function userIdentity(auth: OpcuaAuthOption | undefined): UserIdentityInfo {
  if (!auth || auth.kind === "anonymous") return { type: UserTokenType.Anonymous };
  return { type: UserTokenType.UserName, userName: auth.username, password: revealSecret(auth.password) };
}

/** For logs: the identity without its secret. */
export function describeAuth(auth: OpcuaAuthOption | undefined): string {
  return !auth || auth.kind === "anonymous" ? "anónimo" : `usuario ${auth.username}`;
}
