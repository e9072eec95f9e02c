import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { collectorConfigSchema } from "../../../../server/contracts/collector-config";

describe("collector config file (aforo collect --config)", () => {
  it("the shipped example (mounted by docker-compose) is valid", () => {
    const example = JSON.parse(readFileSync(path.resolve(__dirname, "../../../../collectors/collector.example.json"), "utf8"));
    expect(collectorConfigSchema.parse(example).collectorKey).toBe("OPCUA-EDS-0001");
  });

  it("refuses a non-OPC UA endpoint and a config that names no tags", () => {
    expect(collectorConfigSchema.safeParse({ opcua: { endpointUrl: "http://x", tags: [{ tag: "a", nodeId: "ns=1;s=a" }] } }).success).toBe(false);
    const noTags = collectorConfigSchema.safeParse({ opcua: { endpointUrl: "opc.tcp://h:4840" } });
    expect(noTags.success).toBe(false);
    expect(noTags.error?.issues[0]?.message).toContain("collectorKey");
  });
});
