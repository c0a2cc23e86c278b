CREATE TABLE "sync_state" (
	"connection_id" uuid PRIMARY KEY NOT NULL REFERENCES "connections"("id") ON DELETE CASCADE,
	"last_synced_at" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"last_failed_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_requests" (
	"connection_id" uuid NOT NULL REFERENCES "connections"("id") ON DELETE CASCADE,
	"stream" text NOT NULL,
	"pending" boolean DEFAULT true NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_requests_pk" PRIMARY KEY ("connection_id", "stream")
);
--> statement-breakpoint
CREATE TABLE "crm_flag_times" (
	"connection_id" uuid NOT NULL REFERENCES "connections"("id") ON DELETE CASCADE,
	"company_external_id" text NOT NULL,
	"flag" text NOT NULL,
	"value" boolean NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	CONSTRAINT "crm_flag_times_pk" PRIMARY KEY ("connection_id", "company_external_id", "flag")
);
