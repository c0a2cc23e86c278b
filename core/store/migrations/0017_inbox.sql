CREATE TABLE "inbox_mailboxes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"tls" boolean DEFAULT true NOT NULL,
	"username" text NOT NULL,
	"password_encrypted" text NOT NULL,
	"address" text NOT NULL,
	"plus_addressing" boolean DEFAULT true NOT NULL,
	"folder" text DEFAULT 'INBOX' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_detail" jsonb,
	"uid_validity" bigint,
	"last_uid" bigint DEFAULT 0 NOT NULL,
	"last_read_at" timestamp with time zone,
	"on_reply" text DEFAULT 'hold' NOT NULL,
	"postpone_on_out_of_office" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_mailboxes_status_ck" CHECK ("status" IN ('pending', 'ok', 'auth_failed', 'unreachable', 'error')),
	CONSTRAINT "inbox_mailboxes_on_reply_ck" CHECK ("on_reply" IN ('hold', 'notify'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_mailboxes_organization_uq" ON "inbox_mailboxes" ("organization_id");
--> statement-breakpoint
CREATE TABLE "inbox_scenario_policies" (
	"organization_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
	"scenario" text NOT NULL,
	"on_reply" text NOT NULL,
	"postpone_on_out_of_office" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("organization_id", "scenario"),
	CONSTRAINT "inbox_scenario_policies_on_reply_ck" CHECK ("on_reply" IN ('hold', 'notify'))
);
--> statement-breakpoint
CREATE TABLE "inbox_reply_tokens" (
	"customer_id" uuid PRIMARY KEY NOT NULL REFERENCES "customers"("id") ON DELETE CASCADE,
	"organization_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
	"token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_reply_tokens_token_uq" ON "inbox_reply_tokens" ("token");
--> statement-breakpoint
CREATE TABLE "inbox_threads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
	"customer_id" uuid NOT NULL REFERENCES "customers"("id") ON DELETE CASCADE,
	"state" text DEFAULT 'awaiting_us' NOT NULL,
	"subject" text,
	"hold_id" uuid REFERENCES "dunning_holds"("id") ON DELETE SET NULL,
	"last_message_at" timestamp with time zone DEFAULT now() NOT NULL,
	"handled_at" timestamp with time zone,
	"handled_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_threads_state_ck" CHECK ("state" IN ('awaiting_us', 'awaiting_customer', 'closed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_threads_customer_uq" ON "inbox_threads" ("customer_id");
--> statement-breakpoint
CREATE TABLE "inbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
	"mailbox_id" uuid REFERENCES "inbox_mailboxes"("id") ON DELETE SET NULL,
	"uid_validity" bigint,
	"uid" bigint,
	"direction" text NOT NULL,
	"kind" text NOT NULL,
	"customer_id" uuid REFERENCES "customers"("id") ON DELETE SET NULL,
	"thread_id" uuid REFERENCES "inbox_threads"("id") ON DELETE SET NULL,
	"action_id" uuid REFERENCES "actions"("id") ON DELETE SET NULL,
	"matched_by" text,
	"message_id" text,
	"in_reply_to" text,
	"references" text[] DEFAULT '{}' NOT NULL,
	"from_address" text,
	"from_name" text,
	"to_addresses" text[] DEFAULT '{}' NOT NULL,
	"subject" text,
	"sent_at" timestamp with time zone,
	"text_body" text,
	"body_truncated" boolean DEFAULT false NOT NULL,
	"size_bytes" bigint,
	"auto_reply_reason" text,
	"out_of_office_until" date,
	"bounce" jsonb,
	"suggestions" jsonb DEFAULT '[]' NOT NULL,
	"problem" text,
	"author" text,
	"delivery_status" text,
	"delivery_error" text,
	"delivery_attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_messages_direction_ck" CHECK ("direction" IN ('in', 'out')),
	CONSTRAINT "inbox_messages_kind_ck" CHECK ("kind" IN ('reply', 'auto_reply', 'bounce', 'unreadable', 'answer')),
	CONSTRAINT "inbox_messages_delivery_ck" CHECK ("delivery_status" IS NULL OR "delivery_status" IN ('queued', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_messages_uid_uq" ON "inbox_messages" ("mailbox_id", "uid_validity", "uid");
--> statement-breakpoint
CREATE INDEX "inbox_messages_customer_idx" ON "inbox_messages" ("customer_id", "created_at");
--> statement-breakpoint
CREATE INDEX "inbox_messages_unfiled_idx" ON "inbox_messages" ("organization_id", "created_at") WHERE "customer_id" IS NULL;
--> statement-breakpoint
CREATE INDEX "inbox_messages_message_id_idx" ON "inbox_messages" ("organization_id", "message_id");
--> statement-breakpoint
CREATE TABLE "inbox_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" uuid NOT NULL REFERENCES "inbox_messages"("id") ON DELETE CASCADE,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"content" bytea,
	"omitted_reason" text
);
--> statement-breakpoint
CREATE INDEX "inbox_attachments_message_idx" ON "inbox_attachments" ("message_id");
--> statement-breakpoint
CREATE TABLE "inbox_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
	"customer_id" uuid NOT NULL REFERENCES "customers"("id") ON DELETE CASCADE,
	"author_user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"body" text NOT NULL,
	"mentions" uuid[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "inbox_comments_customer_idx" ON "inbox_comments" ("customer_id", "created_at");
--> statement-breakpoint
CREATE TABLE "inbox_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"customer_id" uuid REFERENCES "customers"("id") ON DELETE CASCADE,
	"comment_id" uuid REFERENCES "inbox_comments"("id") ON DELETE CASCADE,
	"kind" text NOT NULL,
	"payload" jsonb DEFAULT '{}' NOT NULL,
	"read_at" timestamp with time zone,
	"email_status" text DEFAULT 'pending' NOT NULL,
	"email_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_notifications_email_ck" CHECK ("email_status" IN ('pending', 'sent', 'failed', 'none'))
);
--> statement-breakpoint
CREATE INDEX "inbox_notifications_user_idx" ON "inbox_notifications" ("user_id", "created_at");
--> statement-breakpoint
CREATE TABLE "notification_channels" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"url_encrypted" text NOT NULL,
	"events" text[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_channels_kind_ck" CHECK ("kind" IN ('slack', 'teams')),
	CONSTRAINT "notification_channels_events_ck" CHECK (cardinality("events") > 0)
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel_id" uuid NOT NULL REFERENCES "notification_channels"("id") ON DELETE CASCADE,
	"source_key" text NOT NULL,
	"event" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "notification_deliveries_status_ck" CHECK ("status" IN ('pending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "notification_deliveries_source_uq" ON "notification_deliveries" ("channel_id", "source_key");
--> statement-breakpoint
CREATE TABLE "notification_cursors" (
	"organization_id" uuid PRIMARY KEY NOT NULL REFERENCES "organizations"("id") ON DELETE CASCADE,
	"activities_after" timestamp with time zone DEFAULT now() NOT NULL,
	"outbox_after" timestamp with time zone DEFAULT now() NOT NULL
);
