ALTER TYPE "public"."transmission_status" ADD VALUE 'held';--> statement-breakpoint
ALTER TABLE "domain_events" ADD COLUMN "failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "domain_events" ADD COLUMN "dispatch_error" text;--> statement-breakpoint
ALTER TABLE "transmission_attempts" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "transmissions" ADD COLUMN "end_reason" text;--> statement-breakpoint
ALTER TABLE "transmissions" ADD COLUMN "outcome_unknown" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "transmissions" ADD COLUMN "takeovers" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "transmissions" ADD COLUMN "rate_limited" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "transmissions" ADD COLUMN "throttled_since" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "transmissions_sending_idx" ON "transmissions" USING btree ("merchant_id") WHERE "transmissions"."status" = 'sending';