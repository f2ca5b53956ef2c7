-- Cards on file: keep the last four digits and the simulated processor's opaque token, never the number.
ALTER TABLE "auto_orders" ADD COLUMN "card_last4" text;--> statement-breakpoint
ALTER TABLE "auto_orders" ADD COLUMN "card_token" text;--> statement-breakpoint
UPDATE "auto_orders" SET
	"card_last4" = right(regexp_replace("card_on_file", '[^0-9]', '', 'g'), 4),
	"card_token" = CASE WHEN regexp_replace("card_on_file", '[^0-9]', '', 'g') = '4000000000000002' THEN 'tok_sim_dcl_' ELSE 'tok_sim_' END || replace(gen_random_uuid()::text, '-', '');--> statement-breakpoint
ALTER TABLE "auto_orders" ALTER COLUMN "card_last4" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "auto_orders" ALTER COLUMN "card_token" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "auto_orders" DROP COLUMN "card_on_file";
