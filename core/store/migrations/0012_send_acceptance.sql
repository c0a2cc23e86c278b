ALTER TABLE "actions" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "finalize_pending" jsonb;--> statement-breakpoint
CREATE INDEX "actions_finalize_pending_idx" ON "actions" USING btree ("claimed_at") WHERE "finalize_pending" IS NOT NULL;
