CREATE TABLE "credit_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"hold_over_limit" boolean DEFAULT true NOT NULL,
	"hold_past_due_days" integer,
	"review_days_before" integer DEFAULT 30 NOT NULL,
	"limit_rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"scoring_rules" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_settings_hold_past_due_days_range" CHECK ("credit_settings"."hold_past_due_days" IS NULL OR "credit_settings"."hold_past_due_days" BETWEEN 0 AND 3650),
	CONSTRAINT "credit_settings_review_days_range" CHECK ("credit_settings"."review_days_before" BETWEEN 0 AND 365)
);
--> statement-breakpoint
CREATE TABLE "customer_credit" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"limit_minor" bigint,
	"limit_currency" char(3),
	"limit_expires_on" date,
	"limit_request_id" uuid,
	"terms_days" integer,
	"terms_expires_on" date,
	"terms_request_id" uuid,
	"insured_limit_minor" bigint,
	"insured_currency" char(3),
	"hold" boolean DEFAULT false NOT NULL,
	"hold_reason" text,
	"hold_since" timestamp with time zone,
	"hold_over_minor" bigint,
	"hold_currency" char(3),
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_credit_limit_has_currency" CHECK (("customer_credit"."limit_minor" IS NULL) = ("customer_credit"."limit_currency" IS NULL)),
	CONSTRAINT "customer_credit_insured_has_currency" CHECK (("customer_credit"."insured_limit_minor" IS NULL) = ("customer_credit"."insured_currency" IS NULL)),
	CONSTRAINT "customer_credit_amounts_positive" CHECK (COALESCE("customer_credit"."limit_minor", 0) >= 0 AND COALESCE("customer_credit"."insured_limit_minor", 0) >= 0)
);
--> statement-breakpoint
CREATE TABLE "credit_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount_minor" bigint,
	"currency" char(3),
	"terms_days" integer,
	"expires_on" date,
	"reason" text NOT NULL,
	"proposal" jsonb,
	"status" text DEFAULT 'requested' NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	CONSTRAINT "credit_requests_kind" CHECK ("credit_requests"."kind" IN ('limit', 'terms')),
	CONSTRAINT "credit_requests_status" CHECK ("credit_requests"."status" IN ('requested', 'approved', 'rejected', 'withdrawn')),
	CONSTRAINT "credit_requests_limit_shape" CHECK ("credit_requests"."kind" <> 'limit' OR ("credit_requests"."amount_minor" >= 0 AND "credit_requests"."currency" ~ '^[A-Z]{3}$')),
	CONSTRAINT "credit_requests_terms_shape" CHECK ("credit_requests"."kind" <> 'terms' OR "credit_requests"."terms_days" BETWEEN 0 AND 365)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "credit_requests_one_pending_uq" ON "credit_requests" USING btree ("customer_id","kind") WHERE "credit_requests"."status" = 'requested';
--> statement-breakpoint
CREATE INDEX "credit_requests_org_idx" ON "credit_requests" USING btree ("organization_id","status");
--> statement-breakpoint
CREATE TABLE "credit_insurance_policies" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"insurer" text NOT NULL,
	"policy_number" text,
	"insured_share_percent" numeric(5, 2) NOT NULL,
	"max_extension_days" integer NOT NULL,
	"declaration_deadline_days" integer NOT NULL,
	"alert_days_before" integer DEFAULT 15 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_insurance_share_range" CHECK ("credit_insurance_policies"."insured_share_percent" > 0 AND "credit_insurance_policies"."insured_share_percent" <= 100),
	CONSTRAINT "credit_insurance_days_positive" CHECK ("credit_insurance_policies"."max_extension_days" >= 0 AND "credit_insurance_policies"."declaration_deadline_days" >= 0 AND "credit_insurance_policies"."alert_days_before" >= 0)
);
--> statement-breakpoint
CREATE TABLE "credit_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"invoice_id" uuid,
	"kind" text NOT NULL,
	"due_on" date,
	"dedupe_key" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	CONSTRAINT "credit_alerts_kind" CHECK ("credit_alerts"."kind" IN ('declaration_due', 'declaration_overdue', 'limit_review', 'limit_expired', 'terms_expired', 'credit_hold', 'insolvency'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "credit_alerts_dedupe_uq" ON "credit_alerts" USING btree ("organization_id","dedupe_key");
--> statement-breakpoint
CREATE INDEX "credit_alerts_open_idx" ON "credit_alerts" USING btree ("organization_id","created_at") WHERE "credit_alerts"."resolved_at" IS NULL;
--> statement-breakpoint
CREATE TABLE "legal_handovers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"party" text NOT NULL,
	"reference" text,
	"note" text,
	"handed_over_at" timestamp with time zone DEFAULT now() NOT NULL,
	"handed_over_by" text NOT NULL,
	"amounts" jsonb NOT NULL,
	"hold_id" uuid,
	"status" text DEFAULT 'open' NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	CONSTRAINT "legal_handovers_kind" CHECK ("legal_handovers"."kind" IN ('litigation', 'agency')),
	CONSTRAINT "legal_handovers_status" CHECK ("legal_handovers"."status" IN ('open', 'closed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "legal_handovers_one_open_uq" ON "legal_handovers" USING btree ("customer_id") WHERE "legal_handovers"."status" = 'open';
--> statement-breakpoint
ALTER TABLE "credit_settings" ADD CONSTRAINT "credit_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "customer_credit" ADD CONSTRAINT "customer_credit_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "customer_credit" ADD CONSTRAINT "customer_credit_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_requests" ADD CONSTRAINT "credit_requests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_requests" ADD CONSTRAINT "credit_requests_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_insurance_policies" ADD CONSTRAINT "credit_insurance_policies_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_alerts" ADD CONSTRAINT "credit_alerts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_alerts" ADD CONSTRAINT "credit_alerts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "credit_alerts" ADD CONSTRAINT "credit_alerts_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "legal_handovers" ADD CONSTRAINT "legal_handovers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "legal_handovers" ADD CONSTRAINT "legal_handovers_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "legal_handovers" ADD CONSTRAINT "legal_handovers_hold_id_dunning_holds_id_fk" FOREIGN KEY ("hold_id") REFERENCES "public"."dunning_holds"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE TABLE "customer_score_history" (
	"customer_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"month" date NOT NULL,
	"score" integer NOT NULL,
	"risk_class" text NOT NULL,
	"factors" jsonb NOT NULL,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_score_history_customer_id_month_pk" PRIMARY KEY("customer_id","month"),
	CONSTRAINT "customer_score_history_score_range" CHECK ("customer_score_history"."score" BETWEEN 0 AND 100),
	CONSTRAINT "customer_score_history_month_first" CHECK (extract(day FROM "customer_score_history"."month") = 1)
);
--> statement-breakpoint
ALTER TABLE "customer_score_history" ADD CONSTRAINT "customer_score_history_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "customer_score_history" ADD CONSTRAINT "customer_score_history_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;
