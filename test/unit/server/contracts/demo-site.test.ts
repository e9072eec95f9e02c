import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { TANK_VARIABLES, tagName } from "../../../../server/contracts/site";

// The demo site's keys must be ones SAT's report schema accepts (A30-MS-02: "where the SAT
// schema imposes a stricter pattern, the stricter one wins").
const catalogs = JSON.parse(readFileSync(path.resolve(__dirname, "../../../../../shared/sat/catalogs.derived.json"), "utf8")) as {
  patterns: Record<string, string>;
  ClaveProducto: Record<string, string>;
  SubproductosPorProducto_segunDiarioSchema: Record<string, string[] | string>;
};
const pattern = (name: string) => new RegExp(catalogs.patterns[name]!);

describe("demo site keys follow SAT's patterns (A30-MS-02, A30-GEN-04)", () => {
  it("installation keys", () => {
    expect(DEMO_SITE.installations.map((i) => i.key)).toEqual(["EDS-0001", "TDA-0001"]);
    for (const installation of DEMO_SITE.installations) expect(installation.key).toMatch(pattern("ClaveInstalacion_permisionario_usuario"));
  });

  it("tank, measurement system, dispenser, hose and duct keys", () => {
    for (const installation of DEMO_SITE.installations) {
      for (const tank of installation.tanks) {
        expect(tank.key).toMatch(pattern("ClaveIdentificacionTanque"));
        expect(tank.measurementSystemKey).toMatch(pattern("SistemaMedicionTanque"));
        expect(Object.keys(catalogs.ClaveProducto)).toContain(tank.productKey);
        expect(catalogs.SubproductosPorProducto_segunDiarioSchema[tank.productKey]).toContain(tank.subProductKey);
      }
      for (const dispenser of installation.dispensers) {
        expect(dispenser.key).toMatch(pattern("ClaveDispensario"));
        expect(dispenser.measurementSystemKey).toMatch(pattern("SistemaMedicionDispensario"));
        for (const hose of dispenser.hoses) {
          expect(hose.key).toMatch(pattern("IdentificadorManguera"));
          expect(hose.key.startsWith(`${dispenser.key}-MGA-`)).toBe(true);
          expect(installation.tanks.map((t) => t.key)).toContain(hose.tankKey);
        }
      }
      for (const duct of installation.ducts) {
        expect(duct.key).toMatch(pattern("ClaveIdentificacionDucto"));
        expect(duct.measurementSystemKey).toMatch(pattern("SistemaMedicionDucto"));
      }
    }
  });

  it("issue #2 shape: EDS-0001 with 3 tanks and 4×2 hoses, TDA-0001 with 6 tanks and in/out ducts", () => {
    const [station, terminal] = DEMO_SITE.installations;
    expect(station!.tanks).toHaveLength(3);
    expect(station!.tanks.map((t) => t.productKey)).toEqual(["PR07", "PR07", "PR03"]);
    expect(station!.dispensers).toHaveLength(4);
    expect(station!.dispensers.flatMap((d) => d.hoses)).toHaveLength(8);
    expect(terminal!.tanks).toHaveLength(6);
    expect(terminal!.ducts.map((d) => d.direction).sort()).toEqual(["inlet", "outlet"]);
  });

  it("tag names are <installation>/<element>/<variable>", () => {
    expect(tagName("EDS-0001", "TQS-EDS-0001", TANK_VARIABLES[0])).toBe("EDS-0001/TQS-EDS-0001/level_mm");
  });
});
