import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CollectorConfigError, linkTags, parseCollectorFile } from "../../../collectors/config";

const example = () => JSON.parse(readFileSync(path.resolve(__dirname, "../../../collectors/collector.example.json"), "utf8"));

describe("collector file (aforo collect --config, A30-MS-13)", () => {
  it("the shipped example (also mounted by docker-compose) is valid, with one link of each protocol", () => {
    const file = parseCollectorFile(example(), { dataDir: "/var/lib/aforo" });
    expect(file.collectorKey).toBe("COL-EDS-0001");
    expect(file.links.map((l) => l.kind)).toEqual(["veeder-root", "opcua", "modbus"]);
    const opcua = file.links[1]!;
    expect(opcua.kind === "opcua" && opcua.config.pkiDir).toBe(path.join("/var/lib/aforo", "opcua-pki", "COL-EDS-0001"));
    expect(linkTags(file.links[0]!)).toHaveLength(21);
    expect(linkTags(file.links[2]!)).toContain("EDS-0001/DISP-0001-MGA-0002/volume_total_l");
    // A30-MS-14: the password is never printed.
    expect(JSON.stringify(file)).not.toContain("cambie-esta-clave");
  });

  it("lists every problem with its path, across links", () => {
    const bad = example();
    bad.links[0].tanks[0].tankNumber = 0;
    bad.links[1].securityMode = "None";
    delete bad.links[2].installationKey;
    bad.links.push({ kind: "profibus", installationKey: "EDS-0001" });
    try {
      parseCollectorFile(bad, { dataDir: "/tmp" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CollectorConfigError);
      const issues = (error as CollectorConfigError).issues.join("\n");
      expect(issues).toContain("links.0.tanks.0.tankNumber");
      expect(issues).toContain("links.1.securityNoneReason"); // A30-MS-14: None needs a reason
      expect(issues).toContain("links.2.installationKey");
      expect(issues).toContain('links.3.kind: se espera "opcua", "modbus" o "veeder-root"');
    }
  });

  it("refuses a file without links or with unknown top-level keys", () => {
    expect(() => parseCollectorFile({ collectorKey: "X", links: [] }, { dataDir: "/tmp" })).toThrow(/al menos un enlace/);
    expect(() => parseCollectorFile({ collectorKey: "X", links: [{}], extra: 1 }, { dataDir: "/tmp" })).toThrow(CollectorConfigError);
  });
});
