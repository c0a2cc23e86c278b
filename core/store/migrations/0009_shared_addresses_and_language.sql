ALTER TABLE "organizations" ADD COLUMN "sender_address" jsonb;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "country_raw" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "postal_address" jsonb;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "language_override" text;