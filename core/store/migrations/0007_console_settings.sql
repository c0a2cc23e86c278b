CREATE TABLE "report_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"recipients" text[] NOT NULL,
	"weekday" integer NOT NULL,
	"hour" integer NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_schedules_weekday_ck" CHECK ("report_schedules"."weekday" BETWEEN 1 AND 7),
	CONSTRAINT "report_schedules_hour_ck" CHECK ("report_schedules"."hour" BETWEEN 0 AND 23),
	CONSTRAINT "report_schedules_recipients_ck" CHECK (cardinality("report_schedules"."recipients") > 0)
);
--> statement-breakpoint
CREATE TABLE "report_sends" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"schedule_id" uuid NOT NULL,
	"week" date NOT NULL,
	"status" text DEFAULT 'sending' NOT NULL,
	"claimed_by" text,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"message_id" text,
	"error" text,
	CONSTRAINT "report_sends_status_ck" CHECK ("report_sends"."status" IN ('sending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "template_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"name" text NOT NULL,
	"language" text NOT NULL,
	"source" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "template_overrides_channel_ck" CHECK ("template_overrides"."channel" IN ('email', 'sms', 'letter'))
);
--> statement-breakpoint
ALTER TABLE "report_schedules" ADD CONSTRAINT "report_schedules_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_sends" ADD CONSTRAINT "report_sends_schedule_id_report_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."report_schedules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "template_overrides" ADD CONSTRAINT "template_overrides_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_schedules_organization_uq" ON "report_schedules" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_sends_schedule_week_uq" ON "report_sends" USING btree ("schedule_id","week");--> statement-breakpoint
CREATE UNIQUE INDEX "template_overrides_uq" ON "template_overrides" USING btree ("organization_id","channel","name","language");