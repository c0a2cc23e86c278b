ALTER TYPE "public"."outbox_status" ADD VALUE 'superseded';--> statement-breakpoint
CREATE TABLE "divergences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"external_id" text NOT NULL,
	"kind" text NOT NULL,
	"currency" char(3),
	"expected_minor" bigint,
	"actual_minor" bigint,
	"cause" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"repull_attempts" integer DEFAULT 0 NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "divergences_status" CHECK ("divergences"."status" IN ('open', 'fixed', 'dismissed'))
);
--> statement-breakpoint
CREATE TABLE "group_fx_rates" (
	"group_id" uuid NOT NULL,
	"currency" char(3) NOT NULL,
	"from" date NOT NULL,
	"rate" text NOT NULL,
	CONSTRAINT "group_fx_rates_group_id_currency_from_pk" PRIMARY KEY("group_id","currency","from"),
	CONSTRAINT "group_fx_rates_rate_decimal" CHECK ("group_fx_rates"."rate" ~ '^[0-9]+(\.[0-9]+)?$')
);
--> statement-breakpoint
CREATE TABLE "unapplied_suggestions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"customer_id" uuid,
	"source" "allocation_source" NOT NULL,
	"payment_id" uuid,
	"credit_note_id" uuid,
	"invoice_ids" uuid[] NOT NULL,
	"amounts_minor" bigint[] NOT NULL,
	"currency" char(3) NOT NULL,
	"rule" text NOT NULL,
	"score" integer NOT NULL,
	"explanation" text NOT NULL,
	"status" text DEFAULT 'suggested' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unapplied_suggestions_status" CHECK ("unapplied_suggestions"."status" IN ('suggested', 'accepted', 'dismissed'))
);
--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "opened_via" text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "promises_to_pay" ADD COLUMN "paid_minor" bigint;--> statement-breakpoint
ALTER TABLE "promises_to_pay" ADD COLUMN "settled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "record_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "outbox_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "field" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "superseded_by" uuid;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "claim_token" uuid;--> statement-breakpoint
ALTER TABLE "divergences" ADD CONSTRAINT "divergences_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "divergences" ADD CONSTRAINT "divergences_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_fx_rates" ADD CONSTRAINT "group_fx_rates_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unapplied_suggestions" ADD CONSTRAINT "unapplied_suggestions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unapplied_suggestions" ADD CONSTRAINT "unapplied_suggestions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unapplied_suggestions" ADD CONSTRAINT "unapplied_suggestions_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unapplied_suggestions" ADD CONSTRAINT "unapplied_suggestions_credit_note_id_credit_notes_id_fk" FOREIGN KEY ("credit_note_id") REFERENCES "public"."credit_notes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "divergences_record_kind_uq" ON "divergences" USING btree ("connection_id","entity","external_id","kind");--> statement-breakpoint
CREATE INDEX "divergences_org_status_idx" ON "divergences" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "unapplied_suggestions_payment_idx" ON "unapplied_suggestions" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "unapplied_suggestions_credit_note_idx" ON "unapplied_suggestions" USING btree ("credit_note_id");--> statement-breakpoint
CREATE INDEX "unapplied_suggestions_org_status_idx" ON "unapplied_suggestions" USING btree ("organization_id","status");--> statement-breakpoint
CREATE INDEX "outbox_record_seq_idx" ON "outbox" USING btree ("connection_id","record_key","seq");