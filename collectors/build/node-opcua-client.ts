/**
 * What the collector's OPC UA driver uses of `node-opcua`, from the client-side packages only.
 * The bundle (collectors/build/bundle.mjs) resolves `node-opcua` to this file: the full package
 * also loads the server, the address space and the standard nodesets (≈ 20 MB of resident memory
 * a collector never uses). `node-opcua-client` and `node-opcua-certificate-manager` are exact
 * dependencies of `node-opcua` (same version), so they are always installed with it; the symbols
 * are the same objects (test/unit/collectors/build/bundle.test.ts checks every one the drivers import).
 */
export * from "node-opcua-client";
export { OPCUACertificateManager } from "node-opcua-certificate-manager";
