/**
 * Public surface of the OPC UA driver (aesthetics §5.9): the driver, its link configuration, the
 * browse helper for the configuration UI and the certificate trust-list verbs for administrators.
 */
export { createOpcuaDriver, dataChangeFilter, groupMonitoredItems } from "./opcua-driver";
export type { OpcuaDeadbandOption, OpcuaDriver, OpcuaDriverOptions, OpcuaDriverTag, OpcuaOutage } from "./opcua-driver";
export {
  describeOpcuaConnection,
  opcuaConnectionSchema,
  opcuaDriverOptionsFromConfig,
  parseOpcuaConnection,
  redactOpcuaConnection,
  securityWarning,
  OPCUA_SECURITY_MODES,
  OPCUA_SECURITY_POLICIES,
} from "./config";
export type { OpcuaConnectionConfig, OpcuaConnectionInput, OpcuaRuntimeOptions } from "./config";
export type { OpcuaAuthOption, OpcuaEndpointOptions, OpcuaSecurityMode, OpcuaSecurityPolicy } from "./connection";
export { browseTags } from "./browse";
export type { BrowsedVariable, BrowseOptions } from "./browse";
export {
  importTrustedCertificate,
  listRejectedCertificates,
  listTrustedCertificates,
  trustCertificate,
  untrustCertificate,
} from "./pki";
export type { CertificateInfo, RefusedCertificate } from "./pki";
export { describeOpcuaError } from "./errors";
export type { OpcuaFailure, OpcuaFailureKind } from "./errors";
export { SecretString } from "./secret";
