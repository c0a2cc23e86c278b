CREATE TABLE "worklist_views" (
	"user_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"view" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "worklist_views_pk" PRIMARY KEY("user_id","organization_id")
);
--> statement-breakpoint
ALTER TABLE "worklist_views" ADD CONSTRAINT "worklist_views_user_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worklist_views" ADD CONSTRAINT "worklist_views_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "collector_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"title" text NOT NULL,
	"due_date" date NOT NULL,
	"assignee_id" uuid NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" text NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collector_tasks_status_ck" CHECK ("collector_tasks"."status" IN ('open', 'done'))
);
--> statement-breakpoint
ALTER TABLE "collector_tasks" ADD CONSTRAINT "collector_tasks_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collector_tasks" ADD CONSTRAINT "collector_tasks_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collector_tasks" ADD CONSTRAINT "collector_tasks_assignee_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "collector_tasks_assignee_idx" ON "collector_tasks" USING btree ("assignee_id","organization_id","due_date") WHERE "collector_tasks"."status" = 'open';--> statement-breakpoint
CREATE INDEX "collector_tasks_customer_idx" ON "collector_tasks" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "invoices_customer_open_due_idx" ON "invoices" USING btree ("customer_id","due_date") INCLUDE ("currency","balance_minor","disputed") WHERE "invoices"."status" = 'open' AND "invoices"."balance_minor" > 0;--> statement-breakpoint
CREATE INDEX "actions_customer_status_idx" ON "actions" USING btree ("customer_id","status","scheduled_for");--> statement-breakpoint
CREATE INDEX "activities_customer_contact_idx" ON "activities" USING btree ("customer_id","occurred_at") WHERE "activities"."kind" IN ('reminder.sent', 'call.logged');
