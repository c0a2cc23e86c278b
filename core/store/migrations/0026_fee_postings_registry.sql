ALTER TABLE "customers" ADD COLUMN "company_number" text;
--> statement-breakpoint
CREATE TABLE "fee_postings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"currency" char(3) NOT NULL,
	"interest_minor" bigint NOT NULL,
	"fixed_minor" bigint NOT NULL,
	"as_of" date NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"outbox_id" uuid,
	CONSTRAINT "fee_postings_status" CHECK ("fee_postings"."status" IN ('requested', 'approved', 'waived', 'rejected')),
	CONSTRAINT "fee_postings_amounts" CHECK ("fee_postings"."interest_minor" >= 0 AND "fee_postings"."fixed_minor" >= 0 AND "fee_postings"."interest_minor" + "fee_postings"."fixed_minor" > 0),
	CONSTRAINT "fee_postings_waive_reason" CHECK ("fee_postings"."status" <> 'waived' OR length(trim(coalesce("fee_postings"."decision_note", ''))) > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "fee_postings_one_pending_uq" ON "fee_postings" USING btree ("invoice_id") WHERE "fee_postings"."status" = 'requested';
--> statement-breakpoint
CREATE INDEX "fee_postings_org_idx" ON "fee_postings" USING btree ("organization_id","status");
--> statement-breakpoint
ALTER TABLE "fee_postings" ADD CONSTRAINT "fee_postings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "fee_postings" ADD CONSTRAINT "fee_postings_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "fee_postings" ADD CONSTRAINT "fee_postings_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "fee_postings" ADD CONSTRAINT "fee_postings_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE TABLE "company_registry_records" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"registry" text NOT NULL,
	"company_number" text NOT NULL,
	"company_name" text,
	"company_status" text,
	"has_insolvency_history" boolean DEFAULT false NOT NULL,
	"insolvency_cases" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"registered_address" jsonb,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"hold_id" uuid
);
--> statement-breakpoint
CREATE TABLE "company_registry_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"registry" text NOT NULL,
	"company_number" text NOT NULL,
	"outcome" text NOT NULL,
	"field" text,
	"message" text,
	"answer" jsonb,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "company_registry_checks_outcome" CHECK ("company_registry_checks"."outcome" IN ('applied', 'unchanged', 'refused', 'not_found', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "company_registry_checks_customer_idx" ON "company_registry_checks" USING btree ("customer_id","checked_at");
--> statement-breakpoint
ALTER TABLE "company_registry_records" ADD CONSTRAINT "company_registry_records_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "company_registry_records" ADD CONSTRAINT "company_registry_records_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "company_registry_records" ADD CONSTRAINT "company_registry_records_hold_id_dunning_holds_id_fk" FOREIGN KEY ("hold_id") REFERENCES "public"."dunning_holds"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "company_registry_checks" ADD CONSTRAINT "company_registry_checks_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "company_registry_checks" ADD CONSTRAINT "company_registry_checks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
