-- The daily run split into parts (ranges of customer ids) that workers claim with FOR UPDATE SKIP
-- LOCKED: a part is claimed, planned and written in one transaction, so a killed worker leaves
-- its part unfinished and unlocked for the next claim, and two workers share a run.
CREATE TABLE "dunning_run_parts" (
	"run_id" uuid NOT NULL,
	"part" integer NOT NULL,
	"first_customer_id" uuid NOT NULL,
	"next_customer_id" uuid,
	"finished_at" timestamp with time zone,
	"finished_by" text,
	"counts" jsonb,
	CONSTRAINT "dunning_run_parts_run_id_part_pk" PRIMARY KEY("run_id","part")
);
--> statement-breakpoint
ALTER TABLE "dunning_run_parts" ADD CONSTRAINT "dunning_run_parts_run_id_dunning_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."dunning_runs"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- A daily run writes about one link per open invoice (a million for a million invoices). The writer
-- inserts them in the statement after the actions it just inserted, from invoice ids it just read,
-- so the two per-row foreign-key checks only cost time; what the keys also did, deleting the links
-- of a deleted action or invoice, is kept by one statement-level trigger per table.
ALTER TABLE "action_invoices" DROP CONSTRAINT "action_invoices_action_id_actions_id_fk";
--> statement-breakpoint
ALTER TABLE "action_invoices" DROP CONSTRAINT "action_invoices_invoice_id_invoices_id_fk";
--> statement-breakpoint
CREATE FUNCTION "action_invoices_drop_action_links"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM action_invoices ai USING deleted d WHERE ai.action_id = d.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "action_invoices_drop_invoice_links"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM action_invoices ai USING deleted d WHERE ai.invoice_id = d.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "actions_drop_links" AFTER DELETE ON "actions" REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION "action_invoices_drop_action_links"();
--> statement-breakpoint
CREATE TRIGGER "invoices_drop_links" AFTER DELETE ON "invoices" REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION "action_invoices_drop_invoice_links"();
