-- QuickBooks applies a credit memo through a $0 payment (an Invoice line and a CreditMemo line):
-- that application belongs to the credit note, but it is listed by the payment. Such an allocation
-- is a credit note's (source credit_note) carried by a payment (via_payment_id): it is replaced
-- whenever that payment is synced, and reaches its credit note by external id once that is stored.
ALTER TABLE "allocations" ADD COLUMN "via_payment_id" uuid REFERENCES "payments"("id") ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE "allocations" ADD COLUMN "credit_note_external_id" text;
--> statement-breakpoint
ALTER TABLE "allocations" DROP CONSTRAINT "allocations_one_source";
--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_one_source" CHECK (
  ("source" = 'payment' AND "payment_id" IS NOT NULL AND "credit_note_id" IS NULL AND "via_payment_id" IS NULL)
  OR ("source" = 'credit_note' AND "payment_id" IS NULL
      AND ("credit_note_id" IS NOT NULL OR ("via_payment_id" IS NOT NULL AND "credit_note_external_id" IS NOT NULL))));
--> statement-breakpoint
CREATE INDEX "allocations_via_payment_idx" ON "allocations" ("via_payment_id") WHERE "via_payment_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "allocations_unlinked_credit_note_idx" ON "allocations" ("connection_id", "credit_note_external_id")
  WHERE "credit_note_id" IS NULL AND "credit_note_external_id" IS NOT NULL;
