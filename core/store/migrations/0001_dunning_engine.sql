ALTER TYPE "public"."action_status" ADD VALUE 'sending' BEFORE 'sent';--> statement-breakpoint
CREATE TABLE "customer_dunning_profiles" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"pinned_scenario_id" uuid,
	"credit_limit_minor" bigint,
	"credit_limit_currency" char(3),
	"score" integer,
	"risk_class" text,
	"score_factors" jsonb,
	"scored_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_dunning_profiles_score_range" CHECK ("customer_dunning_profiles"."score" IS NULL OR "customer_dunning_profiles"."score" BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE TABLE "dunning_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"invoice_id" uuid,
	"reason" text NOT NULL,
	"until" date,
	"created_by" text,
	"released_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dunning_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"counts" jsonb
);
--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "send_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_dunning_profiles" ADD CONSTRAINT "customer_dunning_profiles_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_dunning_profiles" ADD CONSTRAINT "customer_dunning_profiles_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_dunning_profiles" ADD CONSTRAINT "customer_dunning_profiles_pinned_scenario_id_scenarios_id_fk" FOREIGN KEY ("pinned_scenario_id") REFERENCES "public"."scenarios"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_holds" ADD CONSTRAINT "dunning_holds_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_holds" ADD CONSTRAINT "dunning_holds_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_holds" ADD CONSTRAINT "dunning_holds_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_runs" ADD CONSTRAINT "dunning_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_dunning_profiles_org_idx" ON "customer_dunning_profiles" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "dunning_holds_customer_idx" ON "dunning_holds" USING btree ("customer_id") WHERE "dunning_holds"."released_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "dunning_runs_org_as_of_uq" ON "dunning_runs" USING btree ("organization_id","as_of");