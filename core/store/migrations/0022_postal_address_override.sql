-- An admin's edit of a customer's postal address, kept apart from the synced one so that the next
-- sync (which rewrites postal_address from the provider) does not undo it. Letters use the
-- override when set; clearing it goes back to the provider's value.
ALTER TABLE "customers" ADD COLUMN "postal_address_override" jsonb;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "postal_address_edited_by" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "postal_address_edited_at" timestamp with time zone;
