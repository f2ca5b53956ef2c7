CREATE TYPE "public"."ontraport_protocol" AS ENUM('rest', 'xml');--> statement-breakpoint
CREATE TABLE "ontraport_object_ids" (
	"merchant_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"ontraport_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ontraport_object_ids_merchant_id_kind_name_pk" PRIMARY KEY("merchant_id","kind","name")
);
--> statement-breakpoint
CREATE TABLE "ontraport_order_links" (
	"merchant_id" text NOT NULL,
	"order_id" text NOT NULL,
	"contact_id" text,
	"invoice_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ontraport_order_links_merchant_id_order_id_pk" PRIMARY KEY("merchant_id","order_id")
);
--> statement-breakpoint
ALTER TABLE "ontraport_configs" ADD COLUMN "protocol" "ontraport_protocol" DEFAULT 'rest' NOT NULL;--> statement-breakpoint
ALTER TABLE "ontraport_configs" ADD COLUMN "app_id" text;--> statement-breakpoint
ALTER TABLE "ontraport_configs" ADD COLUMN "tag_every_buyer" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "transmission_attempts" ADD COLUMN "steps" jsonb;--> statement-breakpoint
ALTER TABLE "transmissions" ADD COLUMN "snapshot" jsonb;--> statement-breakpoint
ALTER TABLE "transmissions" ADD COLUMN "rest_state" jsonb;--> statement-breakpoint
ALTER TABLE "transmissions" ADD COLUMN "protocol" "ontraport_protocol";--> statement-breakpoint
ALTER TABLE "ontraport_object_ids" ADD CONSTRAINT "ontraport_object_ids_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ontraport_order_links" ADD CONSTRAINT "ontraport_order_links_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Stores that already deliver with a key keep the XML endpoint they were set up for; new setups default to REST.
UPDATE "ontraport_configs" SET "protocol" = 'xml' WHERE "api_key_ciphertext" IS NOT NULL;
