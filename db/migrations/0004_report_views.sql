-- A30-RPT-07 / A31 31.2 II b): documented, read-only views that trace the figures of the SAT
-- reports to the tables, so a certifier can corroborate a report with plain SQL (README "Report
-- views"). Current versions only (a superseded row is never a report figure).
--
-- rpt_daily_totals: one row per tank and report date, the daily cut the daily report's
-- Tanque/Existencias is built from (the first measurement system's cut, as the report).
CREATE VIEW "rpt_daily_totals" AS
SELECT DISTINCT ON (c.tank_id, c.report_date)
       i.key AS clave_instalacion,
       c.report_date AS fecha,
       k.key AS clave_tanque,
       c.product_key AS clave_producto,
       c.sub_product_key AS clave_subproducto,
       c.opening_volume AS volumen_existencias_anterior,
       c.receptions_volume AS volumen_acum_ops_recepcion,
       c.reception_count AS total_recepciones,
       c.deliveries_volume AS volumen_acum_ops_entrega,
       c.delivery_count AS total_entregas,
       c.book_volume AS volumen_existencias,
       c.measured_volume AS volumen_medido,
       c.unit AS unidad,
       c.period_start AS inicio_periodo,
       c.cut_at AS corte,
       c.id AS inventory_cut_id
  FROM inventory_cuts c
  JOIN tanks k ON k.id = c.tank_id
  JOIN installations i ON i.id = c.installation_id
 WHERE NOT EXISTS (SELECT 1 FROM inventory_cuts s WHERE s.supersedes_id = c.id)
 ORDER BY c.tank_id, c.report_date, c.measurement_system_id NULLS LAST, c.id;
--> statement-breakpoint
-- rpt_daily_operations: every current operation with the element it was measured at and the
-- number of non-cancelled CFDI linked to its record (a link belongs to the record — installation
-- and number — whatever version it was made on; Recepcion/Entrega records and their Complemento).
CREATE VIEW "rpt_daily_operations" AS
SELECT i.key AS clave_instalacion,
       o.number AS numero_registro,
       o.type AS tipo,
       o.sat_record_type AS tipo_registro,
       o.element_type AS elemento,
       k.key AS clave_tanque,
       d.key AS clave_ducto,
       h.key AS identificador_manguera,
       o.product_key AS clave_producto,
       o.sub_product_key AS clave_subproducto,
       o.start_at AS inicio,
       o.end_at AS fin,
       o.net_volume AS volumen,
       o.counterparty_rfc AS rfc_contraparte,
       (SELECT count(DISTINCT l.cfdi_id) FROM cfdi_operation_links l JOIN operations v ON v.id = l.operation_id JOIN cfdi f ON f.id = l.cfdi_id
         WHERE v.installation_id = o.installation_id AND v.number = o.number AND l.unlinked_at IS NULL AND f.status <> 'cancelado') AS cfdi_vinculados,
       o.id AS operation_id
  FROM operations o
  JOIN installations i ON i.id = o.installation_id
  LEFT JOIN tanks k ON k.id = o.tank_id
  LEFT JOIN ducts d ON d.id = o.duct_id
  LEFT JOIN hoses h ON h.id = o.hose_id
 WHERE NOT EXISTS (SELECT 1 FROM operations s WHERE s.supersedes_id = o.id);
--> statement-breakpoint
-- rpt_monthly_totals: per installation, month and product, the sums of the month's daily cuts
-- (A30-RPT-02: the monthly report's receptions and deliveries are the sum of its days).
CREATE VIEW "rpt_monthly_totals" AS
SELECT clave_instalacion,
       to_char(fecha, 'YYYY-MM') AS mes,
       clave_producto,
       clave_subproducto,
       sum(total_recepciones)::bigint AS total_recepciones_mes,
       sum(volumen_acum_ops_recepcion) AS suma_volumen_recepcion_mes,
       sum(total_entregas)::bigint AS total_entregas_mes,
       sum(volumen_acum_ops_entrega) AS suma_volumen_entregado_mes,
       count(DISTINCT fecha) AS dias_con_corte
  FROM rpt_daily_totals
 GROUP BY clave_instalacion, to_char(fecha, 'YYYY-MM'), clave_producto, clave_subproducto;
--> statement-breakpoint
-- A read-only role for the certifier (A31, A30-STO-04): SELECT on the report views only. Creating
-- a role needs CREATEROLE; where the application's database user lacks it, the views still exist
-- and the administrator grants them by hand (README).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'aforo_auditor') THEN
    CREATE ROLE aforo_auditor NOLOGIN;
  END IF;
  GRANT SELECT ON rpt_daily_totals, rpt_daily_operations, rpt_monthly_totals TO aforo_auditor;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'sin privilegio para crear el rol aforo_auditor; otorgue SELECT sobre las vistas rpt_* manualmente';
END $$;
