-- The invoices an action lists move onto the action: two parallel arrays, invoice_ids and
-- invoice_levels (the step each invoice reaches with the action), in the order the action lists
-- them. A daily run over a million open invoices wrote a million link rows, each into a heap and
-- two B-tree indexes: two thirds of the PostgreSQL time of writing a part, measured. The arrays
-- cost one slightly wider row per action. Readers keep their SQL: `action_invoices` becomes a view
-- of (action_id, invoice_id, level) over the arrays, which takes INSERT and DELETE as the table
-- did (INSTEAD OF triggers), and a deleted invoice still leaves the actions that listed it.
ALTER TABLE "actions" ADD COLUMN "invoice_ids" uuid[] DEFAULT '{}' NOT NULL;
--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "invoice_levels" integer[] DEFAULT '{}' NOT NULL;
--> statement-breakpoint
UPDATE "actions" a SET "invoice_ids" = l.ids, "invoice_levels" = l.levels
  FROM (SELECT action_id, array_agg(invoice_id ORDER BY invoice_id) AS ids, array_agg(level ORDER BY invoice_id) AS levels
          FROM "action_invoices" GROUP BY action_id) l
 WHERE l.action_id = a.id;
--> statement-breakpoint
DROP TRIGGER "actions_drop_links" ON "actions";
--> statement-breakpoint
DROP TRIGGER "invoices_drop_links" ON "invoices";
--> statement-breakpoint
DROP FUNCTION "action_invoices_drop_action_links"();
--> statement-breakpoint
DROP FUNCTION "action_invoices_drop_invoice_links"();
--> statement-breakpoint
DROP TABLE "action_invoices";
--> statement-breakpoint
CREATE VIEW "action_invoices" AS
  SELECT a.id AS action_id, l.invoice_id, l.level
    FROM "actions" a CROSS JOIN LATERAL unnest(a.invoice_ids, a.invoice_levels) AS l(invoice_id, level);
--> statement-breakpoint
CREATE FUNCTION "action_invoices_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- As the table's primary key (action_id, invoice_id) did: an invoice is listed once per action.
  UPDATE actions SET invoice_ids = invoice_ids || NEW.invoice_id, invoice_levels = invoice_levels || NEW.level
   WHERE id = NEW.action_id AND NOT (NEW.invoice_id = ANY (invoice_ids));
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM actions WHERE id = NEW.action_id) THEN
      RAISE EXCEPTION 'duplicate key value violates unique constraint "action_invoices_action_id_invoice_id_pk"'
        USING ERRCODE = 'unique_violation', DETAIL = format('Key (action_id, invoice_id)=(%s, %s) already exists.', NEW.action_id, NEW.invoice_id);
    END IF;
    RAISE EXCEPTION 'insert on "action_invoices" names action %, which does not exist', NEW.action_id
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "action_invoices_insert" INSTEAD OF INSERT ON "action_invoices"
	FOR EACH ROW EXECUTE FUNCTION "action_invoices_insert"();
--> statement-breakpoint
CREATE FUNCTION "action_invoices_without"(ids uuid[], levels integer[], dropped uuid[], OUT kept_ids uuid[], OUT kept_levels integer[])
  LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(array_agg(l.invoice_id ORDER BY l.n), '{}'), COALESCE(array_agg(l.level ORDER BY l.n), '{}')
    FROM unnest(ids, levels) WITH ORDINALITY AS l(invoice_id, level, n)
   WHERE NOT (l.invoice_id = ANY (dropped))
$$;
--> statement-breakpoint
CREATE FUNCTION "action_invoices_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE actions a SET (invoice_ids, invoice_levels) = (SELECT * FROM action_invoices_without(a.invoice_ids, a.invoice_levels, ARRAY[OLD.invoice_id]))
   WHERE a.id = OLD.action_id AND OLD.invoice_id = ANY (a.invoice_ids);
  IF NOT FOUND THEN RETURN NULL; END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER "action_invoices_delete" INSTEAD OF DELETE ON "action_invoices"
	FOR EACH ROW EXECUTE FUNCTION "action_invoices_delete"();
--> statement-breakpoint
-- What the table's delete trigger on invoices did: a deleted invoice leaves the actions listing it.
-- Invoices are deleted only with their organization or in tests, so the scan of actions is rare.
CREATE FUNCTION "actions_drop_deleted_invoices"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  dropped uuid[];
BEGIN
  SELECT array_agg(id) INTO dropped FROM deleted;
  UPDATE actions a SET (invoice_ids, invoice_levels) = (SELECT * FROM action_invoices_without(a.invoice_ids, a.invoice_levels, dropped))
   WHERE a.invoice_ids && dropped;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "invoices_drop_from_actions" AFTER DELETE ON "invoices" REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION "actions_drop_deleted_invoices"();
--> statement-breakpoint
-- actions_customer_idx (customer_id) is the leading column of actions_customer_status_idx
-- (customer_id, status, scheduled_for, migration 0016), which serves every lookup by customer as
-- well: the run's hundred thousand inserts no longer maintain both.
DROP INDEX "actions_customer_idx";
