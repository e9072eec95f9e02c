CREATE TABLE "product_sub_products" (
	"product_key" text NOT NULL,
	"sub_product_key" text NOT NULL,
	CONSTRAINT "product_sub_products_product_key_sub_product_key_pk" PRIMARY KEY("product_key","sub_product_key")
);
--> statement-breakpoint
CREATE TABLE "products" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"class" text NOT NULL,
	"physical_state" text NOT NULL,
	"reference_temperature_c" numeric(5, 2) NOT NULL,
	"unit" text NOT NULL,
	"requires_sub_product" boolean DEFAULT false NOT NULL,
	CONSTRAINT "products_key_check" CHECK ("products"."key" ~ '^PR[0-9]{2}$'),
	CONSTRAINT "products_class_check" CHECK ("products"."class" in ('hidrocarburo', 'petrolifero')),
	CONSTRAINT "products_physical_state_check" CHECK ("products"."physical_state" in ('liquid', 'gas')),
	CONSTRAINT "products_reference_temperature_check" CHECK ("products"."reference_temperature_c" in (15.56, 20)),
	CONSTRAINT "products_unit_check" CHECK ("products"."unit" in ('UM01', 'UM02', 'UM03', 'UM04'))
);
--> statement-breakpoint
CREATE TABLE "sub_products" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "sub_products_key_check" CHECK ("sub_products"."key" ~ '^SP([1-9]|[1-4][0-9])$')
);
--> statement-breakpoint
CREATE TABLE "taxpayers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "taxpayers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"rfc" text NOT NULL,
	"name" text NOT NULL,
	"legal_representative_rfc" text,
	"provider_rfcs" text[] DEFAULT '{}'::text[] NOT NULL,
	"character" text NOT NULL,
	"activity_fraction" text,
	"permit_modality" text,
	"permit_number" text,
	"contract_or_assignment_number" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "taxpayers_rfc_unique" UNIQUE("rfc"),
	CONSTRAINT "taxpayers_rfc_check" CHECK ("taxpayers"."rfc" ~ '^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$'),
	CONSTRAINT "taxpayers_rfc_not_generic_check" CHECK ("taxpayers"."rfc" not in ('XAXX010101000', 'XEXX010101000')),
	CONSTRAINT "taxpayers_character_check" CHECK ("taxpayers"."character" in ('contratista', 'asignatario', 'permisionario', 'usuario')),
	CONSTRAINT "taxpayers_activity_fraction_check" CHECK ("taxpayers"."activity_fraction" in ('I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII')),
	CONSTRAINT "taxpayers_permit_modality_check" CHECK ("taxpayers"."permit_modality" ~ '^PER([1-9]|[1-4][0-9]|5[0-6])$')
);
--> statement-breakpoint
CREATE TABLE "installation_products" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "installation_products_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"brand" text,
	"marker" text,
	"marker_concentration" numeric(18, 6),
	"other_description" text,
	CONSTRAINT "installation_products_unique" UNIQUE NULLS NOT DISTINCT("installation_id","product_key","sub_product_key")
);
--> statement-breakpoint
CREATE TABLE "installations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "installations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"taxpayer_id" integer NOT NULL,
	"key" text NOT NULL,
	"description" text NOT NULL,
	"type" text NOT NULL,
	"permit_modality" text,
	"permit_number" text,
	"contract_or_assignment_number" text,
	"natural_gas_storage_installation" text,
	"latitude" double precision,
	"longitude" double precision,
	"time_zone" text DEFAULT 'America/Mexico_City' NOT NULL,
	"cut_hour" text DEFAULT '00:00' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "installations_key_unique" UNIQUE("key"),
	CONSTRAINT "installations_key_check" CHECK ("installations"."key" ~ '^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$'),
	CONSTRAINT "installations_description_check" CHECK (char_length("installations"."description") between 5 and 250),
	CONSTRAINT "installations_type_check" CHECK ("installations"."type" in ('service_station', 'storage_terminal', 'pipeline', 'process_station', 'distribution', 'refinery', 'marketer', 'contract_area')),
	CONSTRAINT "installations_permit_modality_check" CHECK ("installations"."permit_modality" ~ '^PER([1-9]|[1-4][0-9]|5[0-6])$'),
	CONSTRAINT "installations_latitude_check" CHECK ("installations"."latitude" between -90 and 90),
	CONSTRAINT "installations_longitude_check" CHECK ("installations"."longitude" between -180 and 180),
	CONSTRAINT "installations_cut_hour_check" CHECK ("installations"."cut_hour" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
	CONSTRAINT "installations_status_check" CHECK ("installations"."status" in ('active', 'inactive'))
);
--> statement-breakpoint
CREATE TABLE "strapping_tables" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "strapping_tables_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"tank_id" integer NOT NULL,
	"version" integer NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"certificate_number" text,
	"laboratory" text,
	"points" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strapping_tables_tank_version_unique" UNIQUE("tank_id","version"),
	CONSTRAINT "strapping_tables_version_check" CHECK ("strapping_tables"."version" >= 1),
	CONSTRAINT "strapping_tables_points_check" CHECK (jsonb_typeof("strapping_tables"."points") = 'array' and jsonb_array_length("strapping_tables"."points") >= 2)
);
--> statement-breakpoint
CREATE TABLE "tanks" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tanks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"key" text NOT NULL,
	"description" text NOT NULL,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"capacity_total_l" numeric(18, 3) NOT NULL,
	"capacity_operating_l" numeric(18, 3) NOT NULL,
	"capacity_useful_l" numeric(18, 3) NOT NULL,
	"capacity_fondaje_l" numeric(18, 3),
	"minimum_operating_volume_l" numeric(18, 3) NOT NULL,
	"capacity_gas_talon_l" numeric(18, 3),
	"geometry" jsonb,
	"calibration_valid_until" date,
	"calibration_certificate" text,
	"calibration_laboratory" text,
	"measurement_approach" text DEFAULT 'static' NOT NULL,
	"status" text DEFAULT 'O' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tanks_installation_key_unique" UNIQUE("installation_id","key"),
	CONSTRAINT "tanks_key_check" CHECK ("tanks"."key" ~ '^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$'),
	CONSTRAINT "tanks_capacities_check" CHECK ("tanks"."capacity_total_l" > 0 and "tanks"."capacity_operating_l" >= 0 and "tanks"."capacity_useful_l" >= 0 and "tanks"."minimum_operating_volume_l" >= 0
        and "tanks"."capacity_operating_l" <= "tanks"."capacity_total_l" and "tanks"."capacity_useful_l" <= "tanks"."capacity_total_l"
        and coalesce("tanks"."capacity_fondaje_l", 0) >= 0 and coalesce("tanks"."capacity_fondaje_l", 0) <= "tanks"."capacity_total_l"),
	CONSTRAINT "tanks_measurement_approach_check" CHECK ("tanks"."measurement_approach" in ('static', 'by_differences')),
	CONSTRAINT "tanks_status_check" CHECK ("tanks"."status" in ('O', 'F')),
	CONSTRAINT "tanks_in_operation_calibrated_check" CHECK ("tanks"."status" <> 'O' or "tanks"."calibration_valid_until" is not null)
);
--> statement-breakpoint
CREATE TABLE "ducts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ducts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"key" text NOT NULL,
	"description" text NOT NULL,
	"diameter_in" numeric(8, 3) NOT NULL,
	"gas_talon_capacity_m3" numeric(18, 3),
	"direction" text NOT NULL,
	"product_key" text,
	"status" text DEFAULT 'O' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ducts_installation_key_unique" UNIQUE("installation_id","key"),
	CONSTRAINT "ducts_key_check" CHECK ("ducts"."key" ~ '^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$'),
	CONSTRAINT "ducts_diameter_check" CHECK ("ducts"."diameter_in" > 0),
	CONSTRAINT "ducts_gas_talon_check" CHECK ("ducts"."gas_talon_capacity_m3" >= 0),
	CONSTRAINT "ducts_direction_check" CHECK ("ducts"."direction" in ('inlet', 'outlet', 'transport', 'distribution')),
	CONSTRAINT "ducts_status_check" CHECK ("ducts"."status" in ('O', 'F'))
);
--> statement-breakpoint
CREATE TABLE "wells" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "wells_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"key" text NOT NULL,
	"description" text NOT NULL,
	"product_key" text,
	"status" text DEFAULT 'O' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wells_installation_key_unique" UNIQUE("installation_id","key"),
	CONSTRAINT "wells_key_check" CHECK ("wells"."key" ~ '^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$'),
	CONSTRAINT "wells_status_check" CHECK ("wells"."status" in ('O', 'F'))
);
--> statement-breakpoint
CREATE TABLE "dispensers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "dispensers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"key" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'O' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dispensers_installation_key_unique" UNIQUE("installation_id","key"),
	CONSTRAINT "dispensers_key_check" CHECK ("dispensers"."key" ~ '^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$'),
	CONSTRAINT "dispensers_status_check" CHECK ("dispensers"."status" in ('O', 'F'))
);
--> statement-breakpoint
CREATE TABLE "hoses" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hoses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"dispenser_id" integer NOT NULL,
	"key" text NOT NULL,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"tank_id" integer NOT NULL,
	"status" text DEFAULT 'O' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hoses_dispenser_key_unique" UNIQUE("dispenser_id","key"),
	CONSTRAINT "hoses_key_check" CHECK ("hoses"."key" ~ '^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$'),
	CONSTRAINT "hoses_key_pattern_check" CHECK ("hoses"."key" ~ '-MGA-[0-9]{4}$'),
	CONSTRAINT "hoses_status_check" CHECK ("hoses"."status" in ('O', 'F'))
);
--> statement-breakpoint
CREATE TABLE "calibrations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "calibrations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"subject" text NOT NULL,
	"tank_id" integer,
	"measurement_system_id" integer,
	"analyzer_id" integer,
	"status" text NOT NULL,
	"planned_date" date,
	"performed_date" date,
	"valid_until" date,
	"certificate_number" text,
	"laboratory" text,
	"laboratory_rfc" text,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "calibrations_subject_check" CHECK ("calibrations"."subject" in ('tank', 'primary', 'secondary', 'tertiary', 'analyzer')),
	CONSTRAINT "calibrations_status_check" CHECK ("calibrations"."status" in ('planned', 'done', 'cancelled')),
	CONSTRAINT "calibrations_target_check" CHECK (num_nonnulls("calibrations"."tank_id", "calibrations"."measurement_system_id", "calibrations"."analyzer_id") = 1),
	CONSTRAINT "calibrations_done_check" CHECK ("calibrations"."status" <> 'done' or ("calibrations"."performed_date" is not null and "calibrations"."valid_until" is not null))
);
--> statement-breakpoint
CREATE TABLE "measurement_systems" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "measurement_systems_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"element_type" text NOT NULL,
	"tank_id" integer,
	"duct_id" integer,
	"well_id" integer,
	"dispenser_id" integer,
	"hose_id" integer,
	"technology" text NOT NULL,
	"description" text NOT NULL,
	"calibration_valid_until" date NOT NULL,
	"calibration_certificate" text,
	"calibration_laboratory" text,
	"uncertainty_pct" numeric(6, 3) NOT NULL,
	"primary_element" jsonb,
	"secondary_elements" jsonb,
	"tertiary_element" jsonb,
	"collector_id" integer,
	"status" text DEFAULT 'O' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "measurement_systems_installation_key_unique" UNIQUE("installation_id","key"),
	CONSTRAINT "measurement_systems_key_check" CHECK ("measurement_systems"."key" ~ '^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$'),
	CONSTRAINT "measurement_systems_kind_check" CHECK ("measurement_systems"."kind" in ('static', 'dynamic')),
	CONSTRAINT "measurement_systems_element_type_check" CHECK ("measurement_systems"."element_type" in ('tank', 'duct', 'well', 'dispenser', 'hose')),
	CONSTRAINT "measurement_systems_technology_check" CHECK ("measurement_systems"."technology" in ('ultrasonic', 'radar', 'radiation', 'capacitive', 'inductive', 'manometric', 'differential_pressure_level', 'membrane', 'magnetostrictive', 'servo', 'float', 'magnetic_float_indicator', 'volumetric_marks', 'graduated_window', 'sight_glass', 'level_tape', 'orifice', 'positive_displacement', 'turbine', 'ultrasonic_flow', 'coriolis', 'multiphase')),
	CONSTRAINT "measurement_systems_element_check" CHECK (num_nonnulls("measurement_systems"."tank_id", "measurement_systems"."duct_id", "measurement_systems"."well_id", "measurement_systems"."dispenser_id", "measurement_systems"."hose_id") = 1 and case "measurement_systems"."element_type"
        when 'tank' then "measurement_systems"."tank_id" is not null when 'duct' then "measurement_systems"."duct_id" is not null
        when 'well' then "measurement_systems"."well_id" is not null when 'dispenser' then "measurement_systems"."dispenser_id" is not null
        when 'hose' then "measurement_systems"."hose_id" is not null else false end),
	CONSTRAINT "measurement_systems_static_on_tank_check" CHECK ("measurement_systems"."kind" = 'dynamic' or "measurement_systems"."element_type" = 'tank'),
	CONSTRAINT "measurement_systems_uncertainty_check" CHECK ("measurement_systems"."uncertainty_pct" >= 0 and "measurement_systems"."uncertainty_pct" <= 100),
	CONSTRAINT "measurement_systems_status_check" CHECK ("measurement_systems"."status" in ('O', 'F'))
);
--> statement-breakpoint
CREATE TABLE "collector_batches" (
	"collector_key" text NOT NULL,
	"sequence" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"row_count" integer NOT NULL,
	"checksum" text NOT NULL,
	"first_time" timestamp with time zone,
	"last_time" timestamp with time zone,
	CONSTRAINT "collector_batches_collector_key_sequence_pk" PRIMARY KEY("collector_key","sequence"),
	CONSTRAINT "collector_batches_row_count_check" CHECK ("collector_batches"."row_count" >= 0),
	CONSTRAINT "collector_batches_sequence_check" CHECK ("collector_batches"."sequence" >= 0)
);
--> statement-breakpoint
CREATE TABLE "collectors" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "collectors_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"installation_id" integer NOT NULL,
	"endpoint" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"security_mode" text DEFAULT 'SignAndEncrypt' NOT NULL,
	"security_reason" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collectors_key_unique" UNIQUE("key"),
	CONSTRAINT "collectors_key_check" CHECK ("collectors"."key" ~ '^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$'),
	CONSTRAINT "collectors_kind_check" CHECK ("collectors"."kind" in ('opcua', 'modbus', 'veeder_root')),
	CONSTRAINT "collectors_security_mode_check" CHECK ("collectors"."security_mode" in ('None', 'Sign', 'SignAndEncrypt', 'TLS', 'unsecured')),
	CONSTRAINT "collectors_security_reason_check" CHECK ("collectors"."security_mode" not in ('None', 'unsecured') or "collectors"."security_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"name" text PRIMARY KEY NOT NULL,
	"installation_id" integer NOT NULL,
	"element_type" text NOT NULL,
	"element_key" text NOT NULL,
	"variable" text NOT NULL,
	"unit" text NOT NULL,
	"collector_id" integer,
	"source_address" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tags_element_type_check" CHECK ("tags"."element_type" in ('tank', 'duct', 'well', 'dispenser', 'hose', 'analyzer', 'ucc')),
	CONSTRAINT "tags_name_check" CHECK ("tags"."name" ~ '^[^/]+/[^/]+/[^/]+$')
);
--> statement-breakpoint
CREATE TABLE "measurement_rollup_1d" (
	"bucket" timestamp with time zone NOT NULL,
	"tag" text NOT NULL,
	"value_avg" double precision NOT NULL,
	"value_min" double precision NOT NULL,
	"value_max" double precision NOT NULL,
	"value_last" double precision NOT NULL,
	"sample_count" integer NOT NULL,
	CONSTRAINT "measurement_rollup_1d_tag_bucket_pk" PRIMARY KEY("tag","bucket")
);
--> statement-breakpoint
CREATE TABLE "measurement_rollup_1h" (
	"bucket" timestamp with time zone NOT NULL,
	"tag" text NOT NULL,
	"value_avg" double precision NOT NULL,
	"value_min" double precision NOT NULL,
	"value_max" double precision NOT NULL,
	"value_last" double precision NOT NULL,
	"sample_count" integer NOT NULL,
	CONSTRAINT "measurement_rollup_1h_tag_bucket_pk" PRIMARY KEY("tag","bucket")
);
--> statement-breakpoint
CREATE TABLE "measurement_rollup_1m" (
	"bucket" timestamp with time zone NOT NULL,
	"tag" text NOT NULL,
	"value_avg" double precision NOT NULL,
	"value_min" double precision NOT NULL,
	"value_max" double precision NOT NULL,
	"value_last" double precision NOT NULL,
	"sample_count" integer NOT NULL,
	CONSTRAINT "measurement_rollup_1m_tag_bucket_pk" PRIMARY KEY("tag","bucket")
);
--> statement-breakpoint
CREATE TABLE "measurements" (
	"time" timestamp with time zone NOT NULL,
	"tag" text NOT NULL,
	"value" double precision NOT NULL,
	"quality" smallint DEFAULT 0 NOT NULL,
	CONSTRAINT "measurements_tag_time_pk" PRIMARY KEY("tag","time"),
	CONSTRAINT "measurements_quality_check" CHECK ("measurements"."quality" in (0, 1, 2))
);
--> statement-breakpoint
CREATE TABLE "rollup_state" (
	"rollup" text PRIMARY KEY NOT NULL,
	"dirty_from" timestamp with time zone,
	"refreshed_at" timestamp with time zone,
	CONSTRAINT "rollup_state_rollup_check" CHECK ("rollup_state"."rollup" in ('1m', '1h', '1d'))
);
--> statement-breakpoint
CREATE TABLE "tank_readings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tank_readings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tank_id" integer NOT NULL,
	"measurement_system_id" integer,
	"time" timestamp with time zone NOT NULL,
	"level_mm" double precision,
	"water_level_mm" double precision,
	"temperature_c" double precision,
	"density_kg_m3" double precision,
	"base_density_kg_m3" double precision,
	"pressure_kpa" double precision,
	"level_pct" double precision,
	"gross_volume_l" double precision,
	"water_volume_l" double precision,
	"net_volume_l" double precision NOT NULL,
	"vcf" numeric(7, 5),
	"reference_temperature_c" numeric(5, 2) NOT NULL,
	"reference_pressure_kpa" numeric(8, 3) DEFAULT '101.325' NOT NULL,
	"strapping_table_id" integer,
	"algorithm_id" text,
	"algorithm_version" text,
	"quality_record_id" integer,
	"source" text NOT NULL,
	"origin" text DEFAULT 'automatic' NOT NULL,
	"instrument" text,
	"user_id" integer,
	"raw" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tank_readings_tank_system_time_unique" UNIQUE NULLS NOT DISTINCT("tank_id","measurement_system_id","time","origin"),
	CONSTRAINT "tank_readings_reference_temperature_check" CHECK ("tank_readings"."reference_temperature_c" in (15.56, 20)),
	CONSTRAINT "tank_readings_origin_check" CHECK ("tank_readings"."origin" in ('automatic', 'manual')),
	CONSTRAINT "tank_readings_manual_user_check" CHECK ("tank_readings"."origin" <> 'manual' or "tank_readings"."user_id" is not null),
	CONSTRAINT "tank_readings_level_pct_check" CHECK ("tank_readings"."level_pct" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "analyzer_results" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "analyzer_results_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"analyzer_id" integer NOT NULL,
	"lot_id" integer,
	"time" timestamp with time zone NOT NULL,
	"property" text NOT NULL,
	"value" double precision NOT NULL,
	"unit" text NOT NULL,
	"flow_volume" double precision,
	"quality" smallint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analyzer_results_unique" UNIQUE("analyzer_id","property","time"),
	CONSTRAINT "analyzer_results_quality_check" CHECK ("analyzer_results"."quality" in (0, 1, 2))
);
--> statement-breakpoint
CREATE TABLE "analyzers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "analyzers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"measurement_system_id" integer,
	"make" text,
	"model" text,
	"serial" text,
	"verification_provider_rfc" text,
	"verification_provider_name" text,
	"verified_on" date,
	"verification_valid_until" date,
	"status" text DEFAULT 'O' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analyzers_installation_key_unique" UNIQUE("installation_id","key"),
	CONSTRAINT "analyzers_kind_check" CHECK ("analyzers"."kind" in ('chromatograph', 'densitometer', 'calorimeter')),
	CONSTRAINT "analyzers_status_check" CHECK ("analyzers"."status" in ('O', 'F'))
);
--> statement-breakpoint
CREATE TABLE "dictamenes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "dictamenes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"taxpayer_id" integer,
	"taxpayer_rfc" text NOT NULL,
	"taxpayer_name" text NOT NULL,
	"installation_id" integer,
	"laboratory_rfc" text NOT NULL,
	"laboratory_name" text NOT NULL,
	"laboratory_accreditation" text,
	"laboratory_accreditation_valid_until" date,
	"sampling_location" text,
	"sample_origin" text,
	"issuer_name" text,
	"laboratory_legal_representative_rfc" text,
	"folio" text NOT NULL,
	"issue_date" date NOT NULL,
	"sampling_date" date,
	"test_date" date,
	"results_date" date,
	"lot_number" text NOT NULL,
	"lot_id" integer,
	"tank_id" integer,
	"sample_volume" numeric(12, 3),
	"sample_volume_unit" text,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"result_summary" text,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"api_gravity" numeric(5, 1),
	"sulfur_pct" numeric(5, 1),
	"ron" numeric(6, 2),
	"mon" numeric(6, 2),
	"octane_index" numeric(6, 2),
	"contains_non_fossil" boolean,
	"non_fossil_pct" numeric(6, 3),
	"fame_mg_kg" numeric(10, 3),
	"propane_pct_raw" numeric(7, 3),
	"butane_pct_raw" numeric(7, 3),
	"propane_pct" numeric(5, 2),
	"butane_pct" numeric(5, 2),
	"gas_composition" jsonb,
	"calorific_value" numeric(14, 3),
	"calorific_value_unit" text,
	"density_kg_m3" numeric(8, 2),
	"density_base_temperature_c" numeric(5, 2),
	"file_name" text,
	"pdf_attachment_id" integer,
	"data_attachment_id" integer,
	"language" text DEFAULT 'es' NOT NULL,
	"translation_attachment_id" integer,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"supersedes_id" integer,
	"correction_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "dictamenes_supersedes_id_unique" UNIQUE("supersedes_id"),
	CONSTRAINT "dictamenes_laboratory_folio_version_unique" UNIQUE("laboratory_rfc","folio","version"),
	CONSTRAINT "dictamenes_taxpayer_rfc_check" CHECK ("dictamenes"."taxpayer_rfc" ~ '^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$'),
	CONSTRAINT "dictamenes_laboratory_rfc_check" CHECK ("dictamenes"."laboratory_rfc" ~ '^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$'),
	CONSTRAINT "dictamenes_dates_check" CHECK (coalesce("dictamenes"."sampling_date" <= coalesce("dictamenes"."test_date", "dictamenes"."results_date", "dictamenes"."issue_date"), true)
        and coalesce("dictamenes"."test_date" <= coalesce("dictamenes"."results_date", "dictamenes"."issue_date"), true)
        and coalesce("dictamenes"."results_date" <= "dictamenes"."issue_date", true)),
	CONSTRAINT "dictamenes_api_gravity_check" CHECK ("dictamenes"."api_gravity" between 0 and 100),
	CONSTRAINT "dictamenes_sulfur_check" CHECK ("dictamenes"."sulfur_pct" between 0 and 10),
	CONSTRAINT "dictamenes_octane_check" CHECK ("dictamenes"."octane_index" between 70 and 130),
	CONSTRAINT "dictamenes_non_fossil_pct_check" CHECK ("dictamenes"."non_fossil_pct" between 0 and 100),
	CONSTRAINT "dictamenes_propane_check" CHECK ("dictamenes"."propane_pct" between 0 and 100),
	CONSTRAINT "dictamenes_butane_check" CHECK ("dictamenes"."butane_pct" between 0 and 100),
	CONSTRAINT "dictamenes_non_fossil_consistency_check" CHECK ("dictamenes"."contains_non_fossil" is null or "dictamenes"."non_fossil_pct" is null or "dictamenes"."contains_non_fossil" = ("dictamenes"."non_fossil_pct" > 0)),
	CONSTRAINT "dictamenes_lpg_normalised_check" CHECK ("dictamenes"."propane_pct" is null or "dictamenes"."butane_pct" is null or "dictamenes"."propane_pct" + "dictamenes"."butane_pct" = 100),
	CONSTRAINT "dictamenes_calorific_unit_check" CHECK ("dictamenes"."calorific_value_unit" in ('MJ/m3', 'BTU/ft3', 'MMBTU')),
	CONSTRAINT "dictamenes_version_check" CHECK ("dictamenes"."version" >= 1 and ("dictamenes"."version" = 1) = ("dictamenes"."supersedes_id" is null))
);
--> statement-breakpoint
CREATE TABLE "lots" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"tank_id" integer,
	"duct_id" integer,
	"period_month" date,
	"provider_rfc" text,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "lots_installation_key_unique" UNIQUE("installation_id","key"),
	CONSTRAINT "lots_key_check" CHECK ("lots"."key" ~ '^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$'),
	CONSTRAINT "lots_kind_check" CHECK ("lots"."kind" in ('monthly', 'processing', 'duct', 'tank', 'ship_tank', 'truck_rail', 'import')),
	CONSTRAINT "lots_period_check" CHECK ("lots"."closed_at" is null or "lots"."closed_at" >= "lots"."opened_at")
);
--> statement-breakpoint
CREATE TABLE "quality_records" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "quality_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"lot_id" integer NOT NULL,
	"source" text NOT NULL,
	"dictamen_id" integer,
	"analyzer_id" integer,
	"provider_rfc" text,
	"imported_file_id" integer,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"data" jsonb NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "quality_records_source_check" CHECK ("quality_records"."source" in ('dictamen', 'online_instrument', 'provided')),
	CONSTRAINT "quality_records_source_reference_check" CHECK (case "quality_records"."source" when 'dictamen' then "quality_records"."dictamen_id" is not null
        when 'online_instrument' then "quality_records"."analyzer_id" is not null
        when 'provided' then "quality_records"."provider_rfc" is not null else false end)
);
--> statement-breakpoint
CREATE TABLE "daily_accumulations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "daily_accumulations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"number" bigint NOT NULL,
	"report_date" date NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"element_type" text NOT NULL,
	"tank_id" integer,
	"duct_id" integer,
	"well_id" integer,
	"dispenser_id" integer,
	"hose_id" integer,
	"measurement_system_id" integer,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"reception_count" integer DEFAULT 0 NOT NULL,
	"received_volume" numeric(18, 3) NOT NULL,
	"reception_document_count" integer DEFAULT 0 NOT NULL,
	"purchases_amount_mxn" numeric(18, 2),
	"delivery_count" integer DEFAULT 0 NOT NULL,
	"delivered_volume" numeric(18, 3) NOT NULL,
	"delivery_document_count" integer DEFAULT 0 NOT NULL,
	"sales_amount_mxn" numeric(18, 2),
	"unit" text NOT NULL,
	"reference_temperature_c" numeric(5, 2) NOT NULL,
	"calorific_value" numeric(14, 3),
	"calorific_value_unit" text,
	"version" integer DEFAULT 1 NOT NULL,
	"supersedes_id" bigint,
	"correction_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "daily_accumulations_supersedes_id_unique" UNIQUE("supersedes_id"),
	CONSTRAINT "daily_accumulations_installation_number_version_unique" UNIQUE("installation_id","number","version"),
	CONSTRAINT "daily_accumulations_number_check" CHECK ("daily_accumulations"."number" >= 1),
	CONSTRAINT "daily_accumulations_element_type_check" CHECK ("daily_accumulations"."element_type" in ('tank', 'duct', 'well', 'dispenser', 'hose')),
	CONSTRAINT "daily_accumulations_element_check" CHECK (case "daily_accumulations"."element_type" when 'tank' then "daily_accumulations"."tank_id" is not null when 'duct' then "daily_accumulations"."duct_id" is not null
      when 'well' then "daily_accumulations"."well_id" is not null when 'dispenser' then "daily_accumulations"."dispenser_id" is not null
      when 'hose' then "daily_accumulations"."hose_id" is not null else false end),
	CONSTRAINT "daily_accumulations_period_check" CHECK ("daily_accumulations"."period_end" > "daily_accumulations"."period_start"),
	CONSTRAINT "daily_accumulations_volume_check" CHECK ("daily_accumulations"."received_volume" >= 0 and "daily_accumulations"."delivered_volume" >= 0 and "daily_accumulations"."reception_count" >= 0 and "daily_accumulations"."delivery_count" >= 0),
	CONSTRAINT "daily_accumulations_unit_check" CHECK ("daily_accumulations"."unit" in ('UM01', 'UM02', 'UM03', 'UM04')),
	CONSTRAINT "daily_accumulations_reference_temperature_check" CHECK ("daily_accumulations"."reference_temperature_c" in (15.56, 20)),
	CONSTRAINT "daily_accumulations_version_check" CHECK ("daily_accumulations"."version" >= 1 and ("daily_accumulations"."version" = 1) = ("daily_accumulations"."supersedes_id" is null))
);
--> statement-breakpoint
CREATE TABLE "dispenser_totalizer_readings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "dispenser_totalizer_readings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"hose_id" integer,
	"dispenser_id" integer NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"totalizer_l" numeric(18, 3) NOT NULL,
	"kind" text NOT NULL,
	"operation_id" bigint,
	"source" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dispenser_totalizer_readings_unique" UNIQUE NULLS NOT DISTINCT("dispenser_id","hose_id","kind","time"),
	CONSTRAINT "dispenser_totalizer_readings_kind_check" CHECK ("dispenser_totalizer_readings"."kind" in ('cut', 'sale', 'general')),
	CONSTRAINT "dispenser_totalizer_readings_hose_check" CHECK (("dispenser_totalizer_readings"."kind" = 'general') = ("dispenser_totalizer_readings"."hose_id" is null)),
	CONSTRAINT "dispenser_totalizer_readings_value_check" CHECK ("dispenser_totalizer_readings"."totalizer_l" >= 0)
);
--> statement-breakpoint
CREATE TABLE "operations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "operations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"number" bigint NOT NULL,
	"type" text NOT NULL,
	"sat_record_type" text DEFAULT 'D' NOT NULL,
	"element_type" text NOT NULL,
	"tank_id" integer,
	"duct_id" integer,
	"well_id" integer,
	"dispenser_id" integer,
	"hose_id" integer,
	"measurement_system_id" integer,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"element_volume_before" numeric(18, 3),
	"element_volume_after" numeric(18, 3),
	"gross_volume" numeric(18, 3),
	"net_volume" numeric(18, 3) NOT NULL,
	"unit" text NOT NULL,
	"measured_value" numeric(18, 6),
	"measured_unit" text,
	"conversion_factor" numeric(20, 10),
	"conversion_text" text,
	"temperature_c" numeric(8, 3),
	"pressure_abs_kpa" numeric(10, 3),
	"density_kg_m3" numeric(8, 3),
	"vcf" numeric(7, 5),
	"reference_temperature_c" numeric(5, 2) NOT NULL,
	"reference_pressure_kpa" numeric(8, 3) DEFAULT '101.325' NOT NULL,
	"calorific_value" numeric(14, 3),
	"calorific_value_unit" text,
	"counterparty_rfc" text,
	"counterparty_name" text,
	"counterparty_permit" text,
	"transport_means_key" text,
	"transport_permit" text,
	"totalizer_after" numeric(18, 3),
	"unit_price_mxn" numeric(18, 6),
	"amount_mxn" numeric(18, 2),
	"lot_id" integer,
	"quality_record_id" integer,
	"status" text DEFAULT 'complete' NOT NULL,
	"incomplete_reasons" jsonb,
	"origin" text NOT NULL,
	"source_rfc" text,
	"imported_file_id" integer,
	"source_device" text,
	"algorithm_id" text,
	"algorithm_version" text,
	"source_key" text,
	"raw_data" jsonb,
	"justification" text,
	"clarification" text,
	"version" integer DEFAULT 1 NOT NULL,
	"supersedes_id" bigint,
	"correction_reason" text,
	"event_log_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "operations_supersedes_id_unique" UNIQUE("supersedes_id"),
	CONSTRAINT "operations_installation_number_version_unique" UNIQUE("installation_id","number","version"),
	CONSTRAINT "operations_installation_source_key_unique" UNIQUE("installation_id","source_key","version"),
	CONSTRAINT "operations_number_check" CHECK ("operations"."number" >= 1),
	CONSTRAINT "operations_type_check" CHECK ("operations"."type" in ('reception', 'delivery')),
	CONSTRAINT "operations_sat_record_type_check" CHECK ("operations"."sat_record_type" in ('D', 'E', 'J', 'A', 'N', 'C')),
	CONSTRAINT "operations_element_type_check" CHECK ("operations"."element_type" in ('tank', 'duct', 'well', 'dispenser', 'hose')),
	CONSTRAINT "operations_element_check" CHECK (case "operations"."element_type" when 'tank' then "operations"."tank_id" is not null when 'duct' then "operations"."duct_id" is not null
      when 'well' then "operations"."well_id" is not null when 'dispenser' then "operations"."dispenser_id" is not null
      when 'hose' then "operations"."hose_id" is not null else false end),
	CONSTRAINT "operations_time_check" CHECK ("operations"."end_at" >= "operations"."start_at"),
	CONSTRAINT "operations_volume_check" CHECK ("operations"."net_volume" >= 0 and coalesce("operations"."gross_volume", 0) >= 0),
	CONSTRAINT "operations_unit_check" CHECK ("operations"."unit" in ('UM01', 'UM02', 'UM03', 'UM04')),
	CONSTRAINT "operations_reference_temperature_check" CHECK ("operations"."reference_temperature_c" in (15.56, 20)),
	CONSTRAINT "operations_calorific_unit_check" CHECK ("operations"."calorific_value_unit" in ('MJ/m3', 'BTU/ft3', 'MMBTU')),
	CONSTRAINT "operations_counterparty_rfc_check" CHECK ("operations"."counterparty_rfc" ~ '^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$'),
	CONSTRAINT "operations_status_check" CHECK ("operations"."status" in ('complete', 'incomplete')),
	CONSTRAINT "operations_origin_check" CHECK ("operations"."origin" in ('automatic', 'manual', 'third_party', 'provider')),
	CONSTRAINT "operations_manual_check" CHECK ("operations"."origin" <> 'manual' or ("operations"."created_by" is not null and "operations"."justification" is not null)),
	CONSTRAINT "operations_source_rfc_check" CHECK ("operations"."origin" not in ('third_party', 'provider') or "operations"."source_rfc" is not null),
	CONSTRAINT "operations_version_check" CHECK ("operations"."version" >= 1 and ("operations"."version" = 1) = ("operations"."supersedes_id" is null)),
	CONSTRAINT "operations_correction_check" CHECK ("operations"."version" = 1 or "operations"."correction_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "process_losses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "process_losses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"report_date" date NOT NULL,
	"element_type" text NOT NULL,
	"tank_id" integer,
	"duct_id" integer,
	"well_id" integer,
	"dispenser_id" integer,
	"hose_id" integer,
	"product_key" text NOT NULL,
	"volume" numeric(18, 3) NOT NULL,
	"unit" text NOT NULL,
	"method" text NOT NULL,
	"justification" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"supersedes_id" bigint,
	"event_log_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer NOT NULL,
	CONSTRAINT "process_losses_supersedes_id_unique" UNIQUE("supersedes_id"),
	CONSTRAINT "process_losses_element_type_check" CHECK ("process_losses"."element_type" in ('tank', 'duct', 'well', 'dispenser', 'hose')),
	CONSTRAINT "process_losses_element_check" CHECK (case "process_losses"."element_type" when 'tank' then "process_losses"."tank_id" is not null when 'duct' then "process_losses"."duct_id" is not null
      when 'well' then "process_losses"."well_id" is not null when 'dispenser' then "process_losses"."dispenser_id" is not null
      when 'hose' then "process_losses"."hose_id" is not null else false end),
	CONSTRAINT "process_losses_volume_check" CHECK ("process_losses"."volume" >= 0),
	CONSTRAINT "process_losses_unit_check" CHECK ("process_losses"."unit" in ('UM01', 'UM02', 'UM03', 'UM04')),
	CONSTRAINT "process_losses_version_check" CHECK ("process_losses"."version" >= 1 and ("process_losses"."version" = 1) = ("process_losses"."supersedes_id" is null))
);
--> statement-breakpoint
CREATE TABLE "inventory_cuts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "inventory_cuts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"installation_id" integer NOT NULL,
	"number" bigint NOT NULL,
	"tank_id" integer NOT NULL,
	"measurement_system_id" integer,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"report_date" date NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"cut_at" timestamp with time zone NOT NULL,
	"opening_volume" numeric(18, 3) NOT NULL,
	"opening_measured_at" timestamp with time zone,
	"receptions_volume" numeric(18, 3) NOT NULL,
	"deliveries_volume" numeric(18, 3) NOT NULL,
	"process_losses_volume" numeric(18, 3) DEFAULT '0' NOT NULL,
	"reception_count" integer DEFAULT 0 NOT NULL,
	"delivery_count" integer DEFAULT 0 NOT NULL,
	"book_volume" numeric(18, 3) NOT NULL,
	"measured_volume" numeric(18, 3),
	"measured_at" timestamp with time zone,
	"difference_volume" numeric(18, 3),
	"difference_pct" numeric(12, 6),
	"unit" text NOT NULL,
	"reference_temperature_c" numeric(5, 2) NOT NULL,
	"calorific_value" numeric(14, 3),
	"calorific_value_unit" text,
	"approach" text NOT NULL,
	"status" text DEFAULT 'on_time' NOT NULL,
	"lot_id" integer,
	"quality_record_id" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"supersedes_id" bigint,
	"correction_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "inventory_cuts_supersedes_id_unique" UNIQUE("supersedes_id"),
	CONSTRAINT "inventory_cuts_installation_number_version_unique" UNIQUE("installation_id","number","version"),
	CONSTRAINT "inventory_cuts_tank_day_unique" UNIQUE NULLS NOT DISTINCT("tank_id","measurement_system_id","product_key","report_date","version"),
	CONSTRAINT "inventory_cuts_number_check" CHECK ("inventory_cuts"."number" >= 1),
	CONSTRAINT "inventory_cuts_period_check" CHECK ("inventory_cuts"."cut_at" > "inventory_cuts"."period_start"),
	CONSTRAINT "inventory_cuts_movements_check" CHECK ("inventory_cuts"."receptions_volume" >= 0 and "inventory_cuts"."deliveries_volume" >= 0 and "inventory_cuts"."process_losses_volume" >= 0),
	CONSTRAINT "inventory_cuts_book_check" CHECK ("inventory_cuts"."book_volume" = "inventory_cuts"."opening_volume" + "inventory_cuts"."receptions_volume" - "inventory_cuts"."deliveries_volume" - "inventory_cuts"."process_losses_volume"),
	CONSTRAINT "inventory_cuts_difference_check" CHECK ("inventory_cuts"."measured_volume" is null or "inventory_cuts"."difference_volume" = "inventory_cuts"."measured_volume" - "inventory_cuts"."book_volume"),
	CONSTRAINT "inventory_cuts_unit_check" CHECK ("inventory_cuts"."unit" in ('UM01', 'UM02', 'UM03', 'UM04')),
	CONSTRAINT "inventory_cuts_reference_temperature_check" CHECK ("inventory_cuts"."reference_temperature_c" in (15.56, 20)),
	CONSTRAINT "inventory_cuts_approach_check" CHECK ("inventory_cuts"."approach" in ('static', 'by_differences')),
	CONSTRAINT "inventory_cuts_status_check" CHECK ("inventory_cuts"."status" in ('on_time', 'deferred')),
	CONSTRAINT "inventory_cuts_version_check" CHECK ("inventory_cuts"."version" >= 1 and ("inventory_cuts"."version" = 1) = ("inventory_cuts"."supersedes_id" is null))
);
--> statement-breakpoint
CREATE TABLE "event_log" (
	"id" bigint PRIMARY KEY NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"user_id" integer,
	"username" text NOT NULL,
	"category" smallint,
	"event_type" smallint NOT NULL,
	"description" text NOT NULL,
	"component" text,
	"installation_id" integer,
	"details" jsonb,
	"session_id" uuid,
	"hash" text NOT NULL,
	"previous_hash" text NOT NULL,
	CONSTRAINT "event_log_id_check" CHECK ("event_log"."id" >= 1),
	CONSTRAINT "event_log_category_check" CHECK ("event_log"."category" between 1 and 7),
	CONSTRAINT "event_log_event_type_check" CHECK ("event_log"."event_type" between 1 and 21),
	CONSTRAINT "event_log_category_7_check" CHECK ("event_log"."category" is distinct from 7 or "event_log"."event_type" between 7 and 11),
	CONSTRAINT "event_log_component_check" CHECK ("event_log"."event_type" < 7 or "event_log"."component" is not null),
	CONSTRAINT "event_log_description_check" CHECK (char_length("event_log"."description") >= 2),
	CONSTRAINT "event_log_username_check" CHECK (char_length("event_log"."username") >= 1),
	CONSTRAINT "event_log_hash_check" CHECK ("event_log"."hash" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "event_log_previous_hash_check" CHECK ("event_log"."previous_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "event_log_links" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "event_log_links_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_log_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"alarm_id" bigint,
	"inventory_cut_id" bigint,
	"operation_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_log_links_kind_check" CHECK ("event_log_links"."kind" in ('cause', 'corrective_action', 'follow_up', 'note')),
	CONSTRAINT "event_log_links_target_check" CHECK (num_nonnulls("event_log_links"."alarm_id", "event_log_links"."inventory_cut_id", "event_log_links"."operation_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "alarm_actions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alarm_actions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"alarm_id" bigint NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"user_id" integer,
	"cause" text,
	"corrective_action" text,
	"follow_up" text,
	"shelved_until" timestamp with time zone,
	"reason" text,
	"event_log_id" bigint,
	CONSTRAINT "alarm_actions_action_check" CHECK ("alarm_actions"."action" in ('acknowledge', 'attend', 'shelve', 'unshelve', 'clear')),
	CONSTRAINT "alarm_actions_attend_check" CHECK ("alarm_actions"."action" <> 'attend' or ("alarm_actions"."user_id" is not null and "alarm_actions"."cause" is not null and "alarm_actions"."corrective_action" is not null)),
	CONSTRAINT "alarm_actions_shelve_check" CHECK ("alarm_actions"."action" <> 'shelve' or ("alarm_actions"."shelved_until" is not null and "alarm_actions"."shelved_until" > "alarm_actions"."time" and "alarm_actions"."reason" is not null)),
	CONSTRAINT "alarm_actions_user_check" CHECK ("alarm_actions"."action" in ('clear', 'unshelve') or "alarm_actions"."user_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "alarms" (
	"id" bigint PRIMARY KEY NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"installation_id" integer,
	"component" text NOT NULL,
	"type" smallint NOT NULL,
	"sat_event_code" smallint,
	"severity" text NOT NULL,
	"description" text NOT NULL,
	"origin" text NOT NULL,
	"raised_by" integer,
	"source_key" text,
	"related_alarm_id" bigint,
	"inventory_cut_id" bigint,
	"event_log_id" bigint,
	"details" jsonb,
	CONSTRAINT "alarms_id_check" CHECK ("alarms"."id" >= 1),
	CONSTRAINT "alarms_type_check" CHECK ("alarms"."type" between 1 and 12),
	CONSTRAINT "alarms_sat_event_code_check" CHECK ("alarms"."sat_event_code" between 7 and 21),
	CONSTRAINT "alarms_occurred_check" CHECK ("alarms"."occurred_at" <= "alarms"."time"),
	CONSTRAINT "alarms_severity_check" CHECK ("alarms"."severity" in ('low', 'medium', 'high', 'critical')),
	CONSTRAINT "alarms_origin_check" CHECK ("alarms"."origin" in ('automatic', 'manual')),
	CONSTRAINT "alarms_manual_check" CHECK ("alarms"."origin" <> 'manual' or "alarms"."raised_by" is not null),
	CONSTRAINT "alarms_description_check" CHECK (char_length("alarms"."description") >= 2)
);
--> statement-breakpoint
CREATE TABLE "record_sequences" (
	"register" text NOT NULL,
	"installation_id" integer NOT NULL,
	"last_value" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "record_sequences_register_installation_id_pk" PRIMARY KEY("register","installation_id"),
	CONSTRAINT "record_sequences_register_check" CHECK ("record_sequences"."register" in ('operation', 'daily_accumulation', 'inventory_cut', 'event_log', 'alarm')),
	CONSTRAINT "record_sequences_installation_check" CHECK ("record_sequences"."installation_id" >= 0),
	CONSTRAINT "record_sequences_last_value_check" CHECK ("record_sequences"."last_value" >= 0)
);
--> statement-breakpoint
CREATE TABLE "password_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "password_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"key" text PRIMARY KEY NOT NULL,
	"name_es" text NOT NULL,
	CONSTRAINT "roles_key_check" CHECK ("roles"."key" in ('administrador', 'supervisor', 'operador', 'auditor_fiscal'))
);
--> statement-breakpoint
CREATE TABLE "security_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "security_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"time" timestamp with time zone DEFAULT now() NOT NULL,
	"username" text NOT NULL,
	"user_id" integer,
	"ip" "inet",
	"mac_address" text DEFAULT 'no disponible' NOT NULL,
	"event" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" jsonb,
	"session_id" uuid,
	CONSTRAINT "security_log_outcome_check" CHECK ("security_log"."outcome" in ('success', 'failure', 'info'))
);
--> statement-breakpoint
CREATE TABLE "user_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" "inet",
	"user_agent" text,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"must_change_password" boolean DEFAULT true NOT NULL,
	"password_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"failed_login_count" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_login_at" timestamp with time zone,
	"can_view_security_log" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_username_check" CHECK ("users"."username" ~ '^[a-z0-9._-]{1,64}$'),
	CONSTRAINT "users_failed_login_count_check" CHECK ("users"."failed_login_count" >= 0),
	CONSTRAINT "users_security_log_grant_check" CHECK (not "users"."can_view_security_log" or "users"."role" in ('administrador', 'auditor_fiscal'))
);
--> statement-breakpoint
CREATE TABLE "cfdi" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cfdi_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"taxpayer_id" integer NOT NULL,
	"installation_id" integer,
	"uuid" text NOT NULL,
	"version" text NOT NULL,
	"type" text NOT NULL,
	"purpose" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"stamped_at" timestamp with time zone,
	"series" text,
	"folio" text,
	"issuer_rfc" text NOT NULL,
	"issuer_name" text,
	"receiver_rfc" text NOT NULL,
	"receiver_name" text,
	"subtotal" numeric(24, 6) NOT NULL,
	"discount" numeric(24, 6),
	"total" numeric(24, 6) NOT NULL,
	"currency" text NOT NULL,
	"exchange_rate" numeric(18, 6),
	"amount_decimals" smallint DEFAULT 2 NOT NULL,
	"status" text DEFAULT 'vigente' NOT NULL,
	"status_changed_at" timestamp with time zone,
	"cancellation_code" text,
	"cancellation_message" text,
	"service_description" text,
	"xml_sha256" text NOT NULL,
	"xml" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_by" integer,
	CONSTRAINT "cfdi_taxpayer_uuid_unique" UNIQUE("taxpayer_id","uuid"),
	CONSTRAINT "cfdi_uuid_check" CHECK ("cfdi"."uuid" ~ '^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$'),
	CONSTRAINT "cfdi_uuid_not_zero_check" CHECK ("cfdi"."uuid" <> '00000000-0000-0000-0000-000000000000'),
	CONSTRAINT "cfdi_version_check" CHECK ("cfdi"."version" in ('3.3', '4.0')),
	CONSTRAINT "cfdi_type_check" CHECK ("cfdi"."type" in ('I', 'E', 'T', 'P')),
	CONSTRAINT "cfdi_purpose_check" CHECK ("cfdi"."purpose" in ('acquisition', 'sale', 'service', 'payment')),
	CONSTRAINT "cfdi_status_check" CHECK ("cfdi"."status" in ('vigente', 'en_proceso_cancelacion', 'cancelacion_solicitada', 'cancelado')),
	CONSTRAINT "cfdi_issuer_rfc_check" CHECK ("cfdi"."issuer_rfc" ~ '^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$'),
	CONSTRAINT "cfdi_receiver_rfc_check" CHECK ("cfdi"."receiver_rfc" ~ '^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$'),
	CONSTRAINT "cfdi_xml_sha256_check" CHECK ("cfdi"."xml_sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "cfdi_amounts_check" CHECK ("cfdi"."subtotal" >= 0 and "cfdi"."total" >= 0),
	CONSTRAINT "cfdi_amount_decimals_check" CHECK ("cfdi"."amount_decimals" between 0 and 6)
);
--> statement-breakpoint
CREATE TABLE "cfdi_concepts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cfdi_concepts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"cfdi_id" integer NOT NULL,
	"position" integer NOT NULL,
	"product_service_key" text NOT NULL,
	"quantity" numeric(24, 6) NOT NULL,
	"unit_key" text NOT NULL,
	"unit_price" numeric(24, 6) NOT NULL,
	"amount" numeric(24, 6) NOT NULL,
	"discount" numeric(24, 6),
	"description" text NOT NULL,
	"volume" numeric(18, 3),
	"volume_unit" text,
	"product_key" text,
	CONSTRAINT "cfdi_concepts_position_unique" UNIQUE("cfdi_id","position"),
	CONSTRAINT "cfdi_concepts_volume_unit_check" CHECK (("cfdi_concepts"."volume" is null) = ("cfdi_concepts"."volume_unit" is null)),
	CONSTRAINT "cfdi_concepts_unit_check" CHECK ("cfdi_concepts"."volume_unit" in ('UM01', 'UM02', 'UM03', 'UM04'))
);
--> statement-breakpoint
CREATE TABLE "cfdi_operation_links" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cfdi_operation_links_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cfdi_id" integer NOT NULL,
	"operation_id" bigint NOT NULL,
	"volume_linked" numeric(18, 3) NOT NULL,
	"unit" text NOT NULL,
	"suggested" boolean DEFAULT false NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"linked_by" integer,
	"unlinked_at" timestamp with time zone,
	"unlinked_by" integer,
	CONSTRAINT "cfdi_operation_links_volume_check" CHECK ("cfdi_operation_links"."volume_linked" >= 0),
	CONSTRAINT "cfdi_operation_links_unit_check" CHECK ("cfdi_operation_links"."unit" in ('UM01', 'UM02', 'UM03', 'UM04'))
);
--> statement-breakpoint
CREATE TABLE "cfdi_related_documents" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cfdi_related_documents_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"cfdi_id" integer NOT NULL,
	"related_uuid" text NOT NULL,
	"relation" text NOT NULL,
	"amount_paid" numeric(24, 6),
	CONSTRAINT "cfdi_related_documents_unique" UNIQUE("cfdi_id","related_uuid","relation")
);
--> statement-breakpoint
CREATE TABLE "pedimento_operation_links" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pedimento_operation_links_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"pedimento_id" integer NOT NULL,
	"operation_id" bigint NOT NULL,
	"volume_linked" numeric(18, 3) NOT NULL,
	"unit" text NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"linked_by" integer,
	"unlinked_at" timestamp with time zone,
	"unlinked_by" integer,
	CONSTRAINT "pedimento_operation_links_volume_check" CHECK ("pedimento_operation_links"."volume_linked" >= 0),
	CONSTRAINT "pedimento_operation_links_unit_check" CHECK ("pedimento_operation_links"."unit" in ('UM01', 'UM02', 'UM03', 'UM04'))
);
--> statement-breakpoint
CREATE TABLE "pedimentos" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pedimentos_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"taxpayer_id" integer NOT NULL,
	"installation_id" integer,
	"number" text NOT NULL,
	"pedimento_key" text,
	"direction" text DEFAULT 'import' NOT NULL,
	"date" date NOT NULL,
	"export_point" text,
	"entry_point" text,
	"destination_country" text,
	"origin_country" text NOT NULL,
	"transport_means_in" text NOT NULL,
	"transport_means_out" text,
	"incoterm" text NOT NULL,
	"tariff_fraction" text NOT NULL,
	"nico" text,
	"product_key" text NOT NULL,
	"sub_product_key" text,
	"volume" numeric(18, 3) NOT NULL,
	"unit" text NOT NULL,
	"customs_value_mxn" numeric(18, 2),
	"import_price_mxn" numeric(18, 2),
	"import_permit" text,
	"counterparty_name" text,
	"counterparty_tax_id" text,
	"lot_id" integer,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"supersedes_id" integer,
	"correction_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "pedimentos_supersedes_id_unique" UNIQUE("supersedes_id"),
	CONSTRAINT "pedimentos_taxpayer_number_version_unique" UNIQUE("taxpayer_id","number","version"),
	CONSTRAINT "pedimentos_number_check" CHECK ("pedimentos"."number" ~ '^[0-9]{2}  [0-9]{2}  [0-9]{4}  [0-9]{7}$'),
	CONSTRAINT "pedimentos_direction_check" CHECK ("pedimentos"."direction" in ('import', 'export')),
	CONSTRAINT "pedimentos_entry_point_check" CHECK ("pedimentos"."entry_point" ~ '^[0-9]{2}[0-7]?$'),
	CONSTRAINT "pedimentos_export_point_check" CHECK ("pedimentos"."export_point" ~ '^[0-9]{2}[0-7]?$'),
	CONSTRAINT "pedimentos_origin_country_check" CHECK ("pedimentos"."origin_country" ~ '^[A-Z]{3}$'),
	CONSTRAINT "pedimentos_destination_country_check" CHECK ("pedimentos"."destination_country" ~ '^[A-Z]{3}$'),
	CONSTRAINT "pedimentos_transport_in_check" CHECK ("pedimentos"."transport_means_in" in ('1', '2', '3', '6', '7', '8', '11')),
	CONSTRAINT "pedimentos_transport_out_check" CHECK ("pedimentos"."transport_means_out" in ('1', '2', '3', '6', '7', '8', '11')),
	CONSTRAINT "pedimentos_incoterm_check" CHECK ("pedimentos"."incoterm" in ('CFR', 'CIF', 'CPT', 'CIP', 'DAF', 'DAP', 'DAT', 'DES', 'DEQ', 'DDU', 'DDP', 'EXW', 'FCA', 'FAS', 'FOB', 'DPU')),
	CONSTRAINT "pedimentos_tariff_fraction_check" CHECK ("pedimentos"."tariff_fraction" ~ '^[0-9]{4}[.][0-9]{2}[.][0-9]{2}$'),
	CONSTRAINT "pedimentos_nico_check" CHECK ("pedimentos"."nico" ~ '^[0-9]{2}$'),
	CONSTRAINT "pedimentos_volume_check" CHECK ("pedimentos"."volume" >= 0),
	CONSTRAINT "pedimentos_unit_check" CHECK ("pedimentos"."unit" in ('UM01', 'UM02', 'UM03', 'UM04')),
	CONSTRAINT "pedimentos_version_check" CHECK ("pedimentos"."version" >= 1 and ("pedimentos"."version" = 1) = ("pedimentos"."supersedes_id" is null))
);
--> statement-breakpoint
CREATE TABLE "annual_certificates" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "annual_certificates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"taxpayer_id" integer NOT NULL,
	"year" integer NOT NULL,
	"taxpayer_rfc" text NOT NULL,
	"taxpayer_name" text NOT NULL,
	"verifier_rfc" text NOT NULL,
	"verifier_name" text NOT NULL,
	"verifier_legal_representative_rfc" text,
	"verifier_accreditation" text,
	"supplier_rfc" text,
	"verification_address" text,
	"issuer_name" text,
	"folio" text NOT NULL,
	"issue_date" date NOT NULL,
	"verification_start" date,
	"verification_end" date,
	"scope" jsonb,
	"last_verification_info" text,
	"norms_applied" text[],
	"compliance_table" jsonb,
	"result" text NOT NULL,
	"observations" text,
	"file_name" text,
	"pdf_attachment_id" integer,
	"data_attachment_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "annual_certificates_verifier_folio_unique" UNIQUE("verifier_rfc","folio"),
	CONSTRAINT "annual_certificates_taxpayer_rfc_check" CHECK ("annual_certificates"."taxpayer_rfc" ~ '^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$'),
	CONSTRAINT "annual_certificates_verifier_rfc_check" CHECK ("annual_certificates"."verifier_rfc" ~ '^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$'),
	CONSTRAINT "annual_certificates_result_check" CHECK ("annual_certificates"."result" in ('complies', 'observations')),
	CONSTRAINT "annual_certificates_year_check" CHECK ("annual_certificates"."year" between 2000 and 2200)
);
--> statement-breakpoint
CREATE TABLE "csd_certificates" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "csd_certificates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"taxpayer_id" integer NOT NULL,
	"serial_number" text NOT NULL,
	"rfc" text NOT NULL,
	"subject_name" text NOT NULL,
	"issuer_name" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone NOT NULL,
	"certificate_der_base64" text NOT NULL,
	"encrypted_private_key" "bytea" NOT NULL,
	"private_key_iv" "bytea" NOT NULL,
	"private_key_tag" "bytea" NOT NULL,
	"encrypted_password" "bytea" NOT NULL,
	"password_iv" "bytea" NOT NULL,
	"password_tag" "bytea" NOT NULL,
	"encryption_key_id" text DEFAULT 'v1' NOT NULL,
	"status" text NOT NULL,
	"status_info" text,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_test" boolean DEFAULT false NOT NULL,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"installed_by" integer,
	CONSTRAINT "csd_certificates_taxpayer_serial_unique" UNIQUE("taxpayer_id","serial_number"),
	CONSTRAINT "csd_certificates_serial_check" CHECK ("csd_certificates"."serial_number" ~ '^[0-9]{20}$'),
	CONSTRAINT "csd_certificates_rfc_check" CHECK ("csd_certificates"."rfc" ~ '^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$'),
	CONSTRAINT "csd_certificates_validity_check" CHECK ("csd_certificates"."valid_to" > "csd_certificates"."valid_from"),
	CONSTRAINT "csd_certificates_status_check" CHECK ("csd_certificates"."status" in ('active', 'expired', 'revoked', 'replaced', 'error'))
);
--> statement-breakpoint
CREATE TABLE "generated_reports" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "generated_reports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"installation_id" integer NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"status" text NOT NULL,
	"content" jsonb,
	"validation_errors" jsonb,
	"csd_certificate_id" integer,
	"signature_base64" text,
	"is_test" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"supersedes_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "generated_reports_supersedes_id_unique" UNIQUE("supersedes_id"),
	CONSTRAINT "generated_reports_period_version_unique" UNIQUE("kind","installation_id","period_start","version"),
	CONSTRAINT "generated_reports_kind_check" CHECK ("generated_reports"."kind" in ('daily', 'monthly')),
	CONSTRAINT "generated_reports_status_check" CHECK ("generated_reports"."status" in ('draft', 'invalid', 'sealed', 'failed')),
	CONSTRAINT "generated_reports_sha256_check" CHECK ("generated_reports"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "generated_reports_period_check" CHECK ("generated_reports"."period_end" >= "generated_reports"."period_start"),
	CONSTRAINT "generated_reports_sealed_check" CHECK ("generated_reports"."status" <> 'sealed' or ("generated_reports"."csd_certificate_id" is not null and "generated_reports"."signature_base64" is not null)),
	CONSTRAINT "generated_reports_version_check" CHECK ("generated_reports"."version" >= 1 and ("generated_reports"."version" = 1) = ("generated_reports"."supersedes_id" is null))
);
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "attachments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"sha256" text NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"content" "bytea" NOT NULL,
	"category" text NOT NULL,
	"subject_table" text,
	"subject_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	CONSTRAINT "attachments_sha256_check" CHECK ("attachments"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "attachments_size_check" CHECK ("attachments"."size_bytes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "imported_files" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "imported_files_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"sha256" text NOT NULL,
	"file_name" text NOT NULL,
	"provider_rfc" text,
	"content" "bytea" NOT NULL,
	"record_count" integer DEFAULT 0 NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_by" integer,
	CONSTRAINT "imported_files_kind_sha256_unique" UNIQUE("kind","sha256"),
	CONSTRAINT "imported_files_kind_check" CHECK ("imported_files"."kind" in ('provider_records', 'third_party_records', 'lot_quality', 'other')),
	CONSTRAINT "imported_files_sha256_check" CHECK ("imported_files"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "compliance_items" (
	"requirement_id" text PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"responsible" text,
	"note" text,
	"due_date" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" integer,
	CONSTRAINT "compliance_items_status_check" CHECK ("compliance_items"."status" in ('pending', 'complies', 'does_not_comply', 'not_applicable'))
);
--> statement-breakpoint
CREATE TABLE "component_status" (
	"component" text PRIMARY KEY NOT NULL,
	"class" text NOT NULL,
	"installation_id" integer,
	"state" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"detail" jsonb,
	CONSTRAINT "component_status_class_check" CHECK ("component_status"."class" in ('measurement_system', 'channel', 'ucc')),
	CONSTRAINT "component_status_state_check" CHECK ("component_status"."state" in ('ok', 'fault', 'unknown'))
);
--> statement-breakpoint
CREATE TABLE "app_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" integer
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "job_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"job" text NOT NULL,
	"scheduled_for" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text NOT NULL,
	"detail" jsonb,
	CONSTRAINT "job_runs_job_scheduled_unique" UNIQUE("job","scheduled_for"),
	CONSTRAINT "job_runs_status_check" CHECK ("job_runs"."status" in ('running', 'succeeded', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "product_sub_products" ADD CONSTRAINT "product_sub_products_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_sub_products" ADD CONSTRAINT "product_sub_products_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installation_products" ADD CONSTRAINT "installation_products_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installation_products" ADD CONSTRAINT "installation_products_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installation_products" ADD CONSTRAINT "installation_products_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installations" ADD CONSTRAINT "installations_taxpayer_id_taxpayers_id_fk" FOREIGN KEY ("taxpayer_id") REFERENCES "public"."taxpayers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strapping_tables" ADD CONSTRAINT "strapping_tables_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tanks" ADD CONSTRAINT "tanks_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tanks" ADD CONSTRAINT "tanks_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tanks" ADD CONSTRAINT "tanks_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ducts" ADD CONSTRAINT "ducts_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ducts" ADD CONSTRAINT "ducts_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wells" ADD CONSTRAINT "wells_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wells" ADD CONSTRAINT "wells_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispensers" ADD CONSTRAINT "dispensers_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hoses" ADD CONSTRAINT "hoses_dispenser_id_dispensers_id_fk" FOREIGN KEY ("dispenser_id") REFERENCES "public"."dispensers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hoses" ADD CONSTRAINT "hoses_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hoses" ADD CONSTRAINT "hoses_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hoses" ADD CONSTRAINT "hoses_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibrations" ADD CONSTRAINT "calibrations_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibrations" ADD CONSTRAINT "calibrations_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibrations" ADD CONSTRAINT "calibrations_measurement_system_id_measurement_systems_id_fk" FOREIGN KEY ("measurement_system_id") REFERENCES "public"."measurement_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibrations" ADD CONSTRAINT "calibrations_analyzer_id_analyzers_id_fk" FOREIGN KEY ("analyzer_id") REFERENCES "public"."analyzers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calibrations" ADD CONSTRAINT "calibrations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurement_systems" ADD CONSTRAINT "measurement_systems_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurement_systems" ADD CONSTRAINT "measurement_systems_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurement_systems" ADD CONSTRAINT "measurement_systems_duct_id_ducts_id_fk" FOREIGN KEY ("duct_id") REFERENCES "public"."ducts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurement_systems" ADD CONSTRAINT "measurement_systems_well_id_wells_id_fk" FOREIGN KEY ("well_id") REFERENCES "public"."wells"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurement_systems" ADD CONSTRAINT "measurement_systems_dispenser_id_dispensers_id_fk" FOREIGN KEY ("dispenser_id") REFERENCES "public"."dispensers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurement_systems" ADD CONSTRAINT "measurement_systems_hose_id_hoses_id_fk" FOREIGN KEY ("hose_id") REFERENCES "public"."hoses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurement_systems" ADD CONSTRAINT "measurement_systems_collector_id_collectors_id_fk" FOREIGN KEY ("collector_id") REFERENCES "public"."collectors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collectors" ADD CONSTRAINT "collectors_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_collector_id_collectors_id_fk" FOREIGN KEY ("collector_id") REFERENCES "public"."collectors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tank_readings" ADD CONSTRAINT "tank_readings_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tank_readings" ADD CONSTRAINT "tank_readings_measurement_system_id_measurement_systems_id_fk" FOREIGN KEY ("measurement_system_id") REFERENCES "public"."measurement_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tank_readings" ADD CONSTRAINT "tank_readings_strapping_table_id_strapping_tables_id_fk" FOREIGN KEY ("strapping_table_id") REFERENCES "public"."strapping_tables"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tank_readings" ADD CONSTRAINT "tank_readings_quality_record_id_quality_records_id_fk" FOREIGN KEY ("quality_record_id") REFERENCES "public"."quality_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tank_readings" ADD CONSTRAINT "tank_readings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analyzer_results" ADD CONSTRAINT "analyzer_results_analyzer_id_analyzers_id_fk" FOREIGN KEY ("analyzer_id") REFERENCES "public"."analyzers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analyzer_results" ADD CONSTRAINT "analyzer_results_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analyzers" ADD CONSTRAINT "analyzers_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analyzers" ADD CONSTRAINT "analyzers_measurement_system_id_measurement_systems_id_fk" FOREIGN KEY ("measurement_system_id") REFERENCES "public"."measurement_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_taxpayer_id_taxpayers_id_fk" FOREIGN KEY ("taxpayer_id") REFERENCES "public"."taxpayers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_pdf_attachment_id_attachments_id_fk" FOREIGN KEY ("pdf_attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_data_attachment_id_attachments_id_fk" FOREIGN KEY ("data_attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_translation_attachment_id_attachments_id_fk" FOREIGN KEY ("translation_attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_supersedes_id_dictamenes_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."dictamenes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dictamenes" ADD CONSTRAINT "dictamenes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lots" ADD CONSTRAINT "lots_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lots" ADD CONSTRAINT "lots_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lots" ADD CONSTRAINT "lots_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lots" ADD CONSTRAINT "lots_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lots" ADD CONSTRAINT "lots_duct_id_ducts_id_fk" FOREIGN KEY ("duct_id") REFERENCES "public"."ducts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lots" ADD CONSTRAINT "lots_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_records" ADD CONSTRAINT "quality_records_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_records" ADD CONSTRAINT "quality_records_dictamen_id_dictamenes_id_fk" FOREIGN KEY ("dictamen_id") REFERENCES "public"."dictamenes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_records" ADD CONSTRAINT "quality_records_analyzer_id_analyzers_id_fk" FOREIGN KEY ("analyzer_id") REFERENCES "public"."analyzers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_records" ADD CONSTRAINT "quality_records_imported_file_id_imported_files_id_fk" FOREIGN KEY ("imported_file_id") REFERENCES "public"."imported_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_records" ADD CONSTRAINT "quality_records_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_records" ADD CONSTRAINT "quality_records_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quality_records" ADD CONSTRAINT "quality_records_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_duct_id_ducts_id_fk" FOREIGN KEY ("duct_id") REFERENCES "public"."ducts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_well_id_wells_id_fk" FOREIGN KEY ("well_id") REFERENCES "public"."wells"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_dispenser_id_dispensers_id_fk" FOREIGN KEY ("dispenser_id") REFERENCES "public"."dispensers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_hose_id_hoses_id_fk" FOREIGN KEY ("hose_id") REFERENCES "public"."hoses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_measurement_system_id_measurement_systems_id_fk" FOREIGN KEY ("measurement_system_id") REFERENCES "public"."measurement_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_supersedes_id_daily_accumulations_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."daily_accumulations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "daily_accumulations" ADD CONSTRAINT "daily_accumulations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispenser_totalizer_readings" ADD CONSTRAINT "dispenser_totalizer_readings_hose_id_hoses_id_fk" FOREIGN KEY ("hose_id") REFERENCES "public"."hoses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispenser_totalizer_readings" ADD CONSTRAINT "dispenser_totalizer_readings_dispenser_id_dispensers_id_fk" FOREIGN KEY ("dispenser_id") REFERENCES "public"."dispensers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispenser_totalizer_readings" ADD CONSTRAINT "dispenser_totalizer_readings_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_duct_id_ducts_id_fk" FOREIGN KEY ("duct_id") REFERENCES "public"."ducts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_well_id_wells_id_fk" FOREIGN KEY ("well_id") REFERENCES "public"."wells"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_dispenser_id_dispensers_id_fk" FOREIGN KEY ("dispenser_id") REFERENCES "public"."dispensers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_hose_id_hoses_id_fk" FOREIGN KEY ("hose_id") REFERENCES "public"."hoses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_measurement_system_id_measurement_systems_id_fk" FOREIGN KEY ("measurement_system_id") REFERENCES "public"."measurement_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_quality_record_id_quality_records_id_fk" FOREIGN KEY ("quality_record_id") REFERENCES "public"."quality_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_imported_file_id_imported_files_id_fk" FOREIGN KEY ("imported_file_id") REFERENCES "public"."imported_files"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_supersedes_id_operations_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_event_log_id_event_log_id_fk" FOREIGN KEY ("event_log_id") REFERENCES "public"."event_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_duct_id_ducts_id_fk" FOREIGN KEY ("duct_id") REFERENCES "public"."ducts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_well_id_wells_id_fk" FOREIGN KEY ("well_id") REFERENCES "public"."wells"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_dispenser_id_dispensers_id_fk" FOREIGN KEY ("dispenser_id") REFERENCES "public"."dispensers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_hose_id_hoses_id_fk" FOREIGN KEY ("hose_id") REFERENCES "public"."hoses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_supersedes_id_process_losses_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."process_losses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_event_log_id_event_log_id_fk" FOREIGN KEY ("event_log_id") REFERENCES "public"."event_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_losses" ADD CONSTRAINT "process_losses_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_cuts" ADD CONSTRAINT "inventory_cuts_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_cuts" ADD CONSTRAINT "inventory_cuts_tank_id_tanks_id_fk" FOREIGN KEY ("tank_id") REFERENCES "public"."tanks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_cuts" ADD CONSTRAINT "inventory_cuts_measurement_system_id_measurement_systems_id_fk" FOREIGN KEY ("measurement_system_id") REFERENCES "public"."measurement_systems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_cuts" ADD CONSTRAINT "inventory_cuts_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_cuts" ADD CONSTRAINT "inventory_cuts_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_cuts" ADD CONSTRAINT "inventory_cuts_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_cuts" ADD CONSTRAINT "inventory_cuts_quality_record_id_quality_records_id_fk" FOREIGN KEY ("quality_record_id") REFERENCES "public"."quality_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_cuts" ADD CONSTRAINT "inventory_cuts_supersedes_id_inventory_cuts_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."inventory_cuts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_cuts" ADD CONSTRAINT "inventory_cuts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_log" ADD CONSTRAINT "event_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_log" ADD CONSTRAINT "event_log_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_log" ADD CONSTRAINT "event_log_session_id_user_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."user_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_log_links" ADD CONSTRAINT "event_log_links_event_log_id_event_log_id_fk" FOREIGN KEY ("event_log_id") REFERENCES "public"."event_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_log_links" ADD CONSTRAINT "event_log_links_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_log_links" ADD CONSTRAINT "event_log_links_inventory_cut_id_inventory_cuts_id_fk" FOREIGN KEY ("inventory_cut_id") REFERENCES "public"."inventory_cuts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_log_links" ADD CONSTRAINT "event_log_links_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarm_actions" ADD CONSTRAINT "alarm_actions_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarm_actions" ADD CONSTRAINT "alarm_actions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarm_actions" ADD CONSTRAINT "alarm_actions_event_log_id_event_log_id_fk" FOREIGN KEY ("event_log_id") REFERENCES "public"."event_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_raised_by_users_id_fk" FOREIGN KEY ("raised_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_related_alarm_id_alarms_id_fk" FOREIGN KEY ("related_alarm_id") REFERENCES "public"."alarms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_inventory_cut_id_inventory_cuts_id_fk" FOREIGN KEY ("inventory_cut_id") REFERENCES "public"."inventory_cuts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_event_log_id_event_log_id_fk" FOREIGN KEY ("event_log_id") REFERENCES "public"."event_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_history" ADD CONSTRAINT "password_history_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_log" ADD CONSTRAINT "security_log_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_log" ADD CONSTRAINT "security_log_session_id_user_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."user_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role_roles_key_fk" FOREIGN KEY ("role") REFERENCES "public"."roles"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi" ADD CONSTRAINT "cfdi_taxpayer_id_taxpayers_id_fk" FOREIGN KEY ("taxpayer_id") REFERENCES "public"."taxpayers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi" ADD CONSTRAINT "cfdi_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi" ADD CONSTRAINT "cfdi_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi_concepts" ADD CONSTRAINT "cfdi_concepts_cfdi_id_cfdi_id_fk" FOREIGN KEY ("cfdi_id") REFERENCES "public"."cfdi"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi_concepts" ADD CONSTRAINT "cfdi_concepts_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi_operation_links" ADD CONSTRAINT "cfdi_operation_links_cfdi_id_cfdi_id_fk" FOREIGN KEY ("cfdi_id") REFERENCES "public"."cfdi"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi_operation_links" ADD CONSTRAINT "cfdi_operation_links_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi_operation_links" ADD CONSTRAINT "cfdi_operation_links_linked_by_users_id_fk" FOREIGN KEY ("linked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi_operation_links" ADD CONSTRAINT "cfdi_operation_links_unlinked_by_users_id_fk" FOREIGN KEY ("unlinked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cfdi_related_documents" ADD CONSTRAINT "cfdi_related_documents_cfdi_id_cfdi_id_fk" FOREIGN KEY ("cfdi_id") REFERENCES "public"."cfdi"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimento_operation_links" ADD CONSTRAINT "pedimento_operation_links_pedimento_id_pedimentos_id_fk" FOREIGN KEY ("pedimento_id") REFERENCES "public"."pedimentos"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimento_operation_links" ADD CONSTRAINT "pedimento_operation_links_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimento_operation_links" ADD CONSTRAINT "pedimento_operation_links_linked_by_users_id_fk" FOREIGN KEY ("linked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimento_operation_links" ADD CONSTRAINT "pedimento_operation_links_unlinked_by_users_id_fk" FOREIGN KEY ("unlinked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimentos" ADD CONSTRAINT "pedimentos_taxpayer_id_taxpayers_id_fk" FOREIGN KEY ("taxpayer_id") REFERENCES "public"."taxpayers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimentos" ADD CONSTRAINT "pedimentos_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimentos" ADD CONSTRAINT "pedimentos_product_key_products_key_fk" FOREIGN KEY ("product_key") REFERENCES "public"."products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimentos" ADD CONSTRAINT "pedimentos_sub_product_key_sub_products_key_fk" FOREIGN KEY ("sub_product_key") REFERENCES "public"."sub_products"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimentos" ADD CONSTRAINT "pedimentos_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimentos" ADD CONSTRAINT "pedimentos_supersedes_id_pedimentos_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."pedimentos"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pedimentos" ADD CONSTRAINT "pedimentos_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annual_certificates" ADD CONSTRAINT "annual_certificates_taxpayer_id_taxpayers_id_fk" FOREIGN KEY ("taxpayer_id") REFERENCES "public"."taxpayers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annual_certificates" ADD CONSTRAINT "annual_certificates_pdf_attachment_id_attachments_id_fk" FOREIGN KEY ("pdf_attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annual_certificates" ADD CONSTRAINT "annual_certificates_data_attachment_id_attachments_id_fk" FOREIGN KEY ("data_attachment_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annual_certificates" ADD CONSTRAINT "annual_certificates_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csd_certificates" ADD CONSTRAINT "csd_certificates_taxpayer_id_taxpayers_id_fk" FOREIGN KEY ("taxpayer_id") REFERENCES "public"."taxpayers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csd_certificates" ADD CONSTRAINT "csd_certificates_installed_by_users_id_fk" FOREIGN KEY ("installed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generated_reports" ADD CONSTRAINT "generated_reports_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generated_reports" ADD CONSTRAINT "generated_reports_csd_certificate_id_csd_certificates_id_fk" FOREIGN KEY ("csd_certificate_id") REFERENCES "public"."csd_certificates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generated_reports" ADD CONSTRAINT "generated_reports_supersedes_id_generated_reports_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."generated_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "generated_reports" ADD CONSTRAINT "generated_reports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imported_files" ADD CONSTRAINT "imported_files_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_items" ADD CONSTRAINT "compliance_items_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "component_status" ADD CONSTRAINT "component_status_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_settings" ADD CONSTRAINT "app_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "measurements_time_brin_idx" ON "measurements" USING brin ("time");--> statement-breakpoint
CREATE INDEX "tank_readings_tank_time_idx" ON "tank_readings" USING btree ("tank_id","time");--> statement-breakpoint
CREATE INDEX "analyzer_results_lot_idx" ON "analyzer_results" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "quality_records_lot_idx" ON "quality_records" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "daily_accumulations_installation_date_idx" ON "daily_accumulations" USING btree ("installation_id","report_date");--> statement-breakpoint
CREATE INDEX "operations_installation_end_idx" ON "operations" USING btree ("installation_id","end_at");--> statement-breakpoint
CREATE INDEX "operations_tank_end_idx" ON "operations" USING btree ("tank_id","end_at");--> statement-breakpoint
CREATE INDEX "process_losses_installation_date_idx" ON "process_losses" USING btree ("installation_id","report_date");--> statement-breakpoint
CREATE INDEX "inventory_cuts_installation_date_idx" ON "inventory_cuts" USING btree ("installation_id","report_date");--> statement-breakpoint
CREATE INDEX "event_log_time_idx" ON "event_log" USING btree ("time");--> statement-breakpoint
CREATE INDEX "event_log_installation_time_idx" ON "event_log" USING btree ("installation_id","time");--> statement-breakpoint
CREATE INDEX "event_log_links_alarm_idx" ON "event_log_links" USING btree ("alarm_id");--> statement-breakpoint
CREATE INDEX "event_log_links_inventory_cut_idx" ON "event_log_links" USING btree ("inventory_cut_id");--> statement-breakpoint
CREATE INDEX "event_log_links_event_log_idx" ON "event_log_links" USING btree ("event_log_id");--> statement-breakpoint
CREATE INDEX "alarm_actions_alarm_idx" ON "alarm_actions" USING btree ("alarm_id","time");--> statement-breakpoint
CREATE INDEX "alarms_time_idx" ON "alarms" USING btree ("time");--> statement-breakpoint
CREATE INDEX "alarms_source_key_idx" ON "alarms" USING btree ("source_key");--> statement-breakpoint
CREATE INDEX "alarms_component_idx" ON "alarms" USING btree ("component","time");--> statement-breakpoint
CREATE INDEX "password_history_user_idx" ON "password_history" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "security_log_time_idx" ON "security_log" USING btree ("time");--> statement-breakpoint
CREATE INDEX "user_sessions_user_idx" ON "user_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "cfdi_issuer_issued_idx" ON "cfdi" USING btree ("issuer_rfc","issued_at");--> statement-breakpoint
CREATE INDEX "cfdi_receiver_issued_idx" ON "cfdi" USING btree ("receiver_rfc","issued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cfdi_operation_links_active_unique" ON "cfdi_operation_links" USING btree ("cfdi_id","operation_id") WHERE unlinked_at is null;--> statement-breakpoint
CREATE INDEX "cfdi_operation_links_operation_idx" ON "cfdi_operation_links" USING btree ("operation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pedimento_operation_links_active_unique" ON "pedimento_operation_links" USING btree ("pedimento_id","operation_id") WHERE unlinked_at is null;--> statement-breakpoint
CREATE INDEX "pedimento_operation_links_operation_idx" ON "pedimento_operation_links" USING btree ("operation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "csd_certificates_one_active_idx" ON "csd_certificates" USING btree ("taxpayer_id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "attachments_subject_idx" ON "attachments" USING btree ("subject_table","subject_id");