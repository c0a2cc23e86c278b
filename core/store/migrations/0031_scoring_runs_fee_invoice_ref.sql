-- Issue 19.1: the daily rescoring of every customer, once per organization and local date (the
-- unique key lets one scheduler claim it; a claim left unfinished an hour is claimed again).
CREATE TABLE "scoring_runs" (
	"organization_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"scored" integer,
	CONSTRAINT "scoring_runs_pk" PRIMARY KEY ("organization_id", "as_of")
);
--> statement-breakpoint
ALTER TABLE "scoring_runs" ADD CONSTRAINT "scoring_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- Issue 19.5: what the provider answered to a pushed change (its record's id and version), kept on
-- the outbox row; the fee invoice's id and version are copied onto its fee posting in the same
-- statement that marks the row done, so the posted invoice can be shown, linked and voided.
ALTER TABLE "outbox" ADD COLUMN "result" jsonb;
--> statement-breakpoint
ALTER TABLE "fee_postings" ADD COLUMN "provider_invoice_id" text;
--> statement-breakpoint
ALTER TABLE "fee_postings" ADD COLUMN "provider_invoice_version" text;
--> statement-breakpoint
CREATE FUNCTION "fee_posting_invoice_ref"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE fee_postings SET provider_invoice_id = NEW.result->>'externalId', provider_invoice_version = NEW.result->>'version'
   WHERE id = (NEW.payload->>'feePostingId')::uuid AND NEW.result->>'externalId' IS NOT NULL;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "outbox_fee_invoice_done" AFTER UPDATE OF "status" ON "outbox"
  FOR EACH ROW WHEN (NEW.status = 'done' AND OLD.status IS DISTINCT FROM 'done' AND NEW.kind = 'post_fee_invoice')
  EXECUTE FUNCTION "fee_posting_invoice_ref"();
