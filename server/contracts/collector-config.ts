import { z } from "zod";

/**
 * The file `aforo collect --config FILE` reads. Tags are listed explicitly, or taken from the
 * database as those registered for `collectorKey` (tags.collector_id). Issue #3 extends it
 * (Modbus, Veeder-Root, security, spool).
 */
export const collectorConfigSchema = z
  .object({
    collectorKey: z.string().min(1).optional(),
    opcua: z.object({
      endpointUrl: z.string().regex(/^opc\.tcp:\/\/[^/\s]+/, "debe ser una URL opc.tcp://host:puerto"),
      tags: z.array(z.object({ tag: z.string().min(1), nodeId: z.string().min(1) })).min(1).optional(),
    }),
  })
  .refine((c) => c.collectorKey !== undefined || c.opcua.tags !== undefined, {
    message: "indique opcua.tags o un collectorKey con etiquetas registradas",
  });

export type CollectorConfig = z.infer<typeof collectorConfigSchema>;
