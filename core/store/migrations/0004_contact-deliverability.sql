ALTER TABLE "contacts" ADD COLUMN "email_invalid_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "email_invalid_address" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "phone_invalid_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "phone_invalid_address" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "email_invalid_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "email_invalid_address" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "phone_invalid_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "phone_invalid_address" text;