CREATE TABLE "worklist_summaries" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"lower_name" text NOT NULL,
	"external_id" text NOT NULL,
	"email" text,
	"tags" text[] NOT NULL,
	"connection_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"open_minor" bigint NOT NULL,
	"overdue_minor" bigint NOT NULL,
	"open_value" numeric NOT NULL,
	"overdue_value" numeric NOT NULL,
	"open_count" integer NOT NULL,
	"oldest_due" date,
	"stage_step" integer,
	"stage_template" text,
	"stage_at" timestamp with time zone,
	"next_step" integer,
	"next_channel" text,
	"next_date" date,
	"next_status" text,
	"last_contact" timestamp with time zone,
	"risk_class" text,
	"score" integer,
	"collectors" jsonb,
	"collector_first" text,
	"disputed" boolean NOT NULL,
	"promised" boolean NOT NULL,
	"paused" boolean NOT NULL,
	"on_hold" boolean NOT NULL,
	"hold_id" uuid,
	"hold_reason" text,
	"hold_until" date,
	"promise_date" date,
	"promise_minor" bigint,
	"promise_currency" text,
	"as_of" date NOT NULL,
	"valid_until" date,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "worklist_summaries" ADD CONSTRAINT "worklist_summaries_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "worklist_summaries" ADD CONSTRAINT "worklist_summaries_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "worklist_summaries_valid_idx" ON "worklist_summaries" USING btree ("organization_id","valid_until");--> statement-breakpoint
CREATE INDEX "worklist_summaries_as_of_idx" ON "worklist_summaries" USING btree ("organization_id","as_of");--> statement-breakpoint
CREATE INDEX "worklist_summaries_name_idx" ON "worklist_summaries" USING btree ("organization_id","lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_number_idx" ON "worklist_summaries" USING btree ("organization_id","external_id","lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_open_idx" ON "worklist_summaries" USING btree ("organization_id","open_value" DESC,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_overdue_idx" ON "worklist_summaries" USING btree ("organization_id","overdue_value" DESC,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_oldest_idx" ON "worklist_summaries" USING btree ("organization_id","oldest_due" ASC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_stage_idx" ON "worklist_summaries" USING btree ("organization_id","stage_step" DESC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_next_idx" ON "worklist_summaries" USING btree ("organization_id","next_date" DESC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_contact_idx" ON "worklist_summaries" USING btree ("organization_id","last_contact" DESC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_risk_idx" ON "worklist_summaries" USING btree ("organization_id","risk_class" DESC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_collector_idx" ON "worklist_summaries" USING btree ("organization_id","collector_first" DESC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_oldest_reverse_idx" ON "worklist_summaries" USING btree ("organization_id","oldest_due" DESC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_stage_reverse_idx" ON "worklist_summaries" USING btree ("organization_id","stage_step" ASC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_next_reverse_idx" ON "worklist_summaries" USING btree ("organization_id","next_date" ASC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_contact_reverse_idx" ON "worklist_summaries" USING btree ("organization_id","last_contact" ASC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_risk_reverse_idx" ON "worklist_summaries" USING btree ("organization_id","risk_class" ASC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "worklist_summaries_collector_reverse_idx" ON "worklist_summaries" USING btree ("organization_id","collector_first" ASC NULLS LAST,"lower_name","customer_id");--> statement-breakpoint
CREATE INDEX "invoices_organization_number_idx" ON "invoices" USING btree ("organization_id","number");--> statement-breakpoint
CREATE TABLE "worklist_dirty" (
	"organization_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "worklist_dirty_organization_idx" ON "worklist_dirty" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "worklist_dirty_customer_idx" ON "worklist_dirty" USING btree ("customer_id");--> statement-breakpoint
CREATE FUNCTION "worklist_mark"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	relation text := CASE WHEN TG_OP = 'DELETE' THEN 'old_rows' ELSE 'new_rows' END;
BEGIN
	-- The worklist's summary of a customer is recomputed when a row it is made of changes (core/worklist/summary.ts):
	-- each changed row names the customers it concerns (TG_ARGV[0], a SQL expression over the row r).
	-- Always a new mark, never "already marked": a reader may be consuming that older mark while this
	-- write is still uncommitted, and would then recompute without it and drop the only mark left.
	EXECUTE format(
		'INSERT INTO worklist_dirty (organization_id, customer_id)
		 SELECT DISTINCT c.organization_id, c.id FROM %I r JOIN customers c ON c.id IN (%s)
		', relation, TG_ARGV[0]);
	IF TG_OP = 'UPDATE' THEN
		EXECUTE format(
			'INSERT INTO worklist_dirty (organization_id, customer_id)
			 SELECT DISTINCT c.organization_id, c.id FROM old_rows r JOIN customers c ON c.id IN (%s)
			', TG_ARGV[0]);
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "worklist_mark_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- The tables whose rows carry organization_id and customer_id (the sender's, the sync's): static
	-- statements, planned once per table, no join.
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO worklist_dirty (organization_id, customer_id)
		SELECT DISTINCT r.organization_id, r.customer_id FROM new_rows r
		 WHERE r.customer_id IS NOT NULL;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		INSERT INTO worklist_dirty (organization_id, customer_id)
		SELECT DISTINCT r.organization_id, r.customer_id FROM old_rows r
		 WHERE r.customer_id IS NOT NULL;
	END IF;
	RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE
	t record;
	fn text;
BEGIN
	FOR t IN SELECT * FROM (VALUES
		('customers', 'r.id'),
		('invoices', 'r.customer_id'),
		('actions', 'r.customer_id'),
		('activities', 'r.customer_id'),
		('dunning_holds', 'r.customer_id'),
		('disputes', 'r.customer_id'),
		('promises_to_pay', 'r.customer_id'),
		('customer_dunning_profiles', 'r.customer_id'),
		('customer_assignments', 'r.customer_id'),
		('memberships', 'SELECT ca.customer_id FROM customer_assignments ca JOIN customers cc ON cc.id = ca.customer_id WHERE ca.user_id = r.user_id AND cc.organization_id = r.organization_id'),
		('users', 'SELECT ca.customer_id FROM customer_assignments ca WHERE ca.user_id = r.id AND EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.id = r.id AND (o.display_name, o.email) IS DISTINCT FROM (n.display_name, n.email))'),
		('organizations', 'SELECT cc.id FROM customers cc WHERE cc.organization_id = r.id AND EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.id = r.id AND o.base_currency IS DISTINCT FROM n.base_currency)')
	) AS v(tbl, expr) LOOP
		-- Rows with their own organization_id and customer_id: the static function; the others name their customers by expression.
		fn := CASE WHEN t.expr = 'r.customer_id' AND t.tbl <> 'customer_assignments' THEN 'worklist_mark_rows()' ELSE format('worklist_mark(%L)', t.expr) END;
		IF t.tbl <> 'organizations' AND t.tbl <> 'users' THEN
			EXECUTE format('CREATE TRIGGER worklist_mark_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %s', t.tbl, fn);
			EXECUTE format('CREATE TRIGGER worklist_mark_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %s', t.tbl, fn);
		END IF;
		EXECUTE format('CREATE TRIGGER worklist_mark_update AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %s', t.tbl, fn);
	END LOOP;
END $$;
--> statement-breakpoint
INSERT INTO "worklist_dirty" ("organization_id", "customer_id") SELECT "organization_id", "id" FROM "customers";
--> statement-breakpoint
CREATE TABLE "sent_messages" (
	"action_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"to_address" text,
	"subject" text,
	"text_body" text,
	"html_body" text,
	"provider_message_id" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sent_messages" ADD CONSTRAINT "sent_messages_action_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sent_messages" ADD CONSTRAINT "sent_messages_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sent_messages" ADD CONSTRAINT "sent_messages_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sent_messages_customer_idx" ON "sent_messages" USING btree ("customer_id");
