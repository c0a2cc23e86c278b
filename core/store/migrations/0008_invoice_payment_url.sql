ALTER TABLE "invoices" ADD COLUMN "payment_url" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "payment_url_checked_at" timestamp with time zone;