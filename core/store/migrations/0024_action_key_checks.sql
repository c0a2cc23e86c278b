-- The daily run inserts about a hundred thousand actions; each was checked by three per-row
-- foreign keys (organization, customer, scenario), every check a query of its own that also locks
-- the referenced row: half the cost of the insert, measured. They are replaced, as 0013 did for
-- action_invoices, by one statement-level check per INSERT over all its rows (a join, not a query
-- per row), a row check when an UPDATE changes one of the three keys, and statement-level triggers
-- that do what the keys' ON DELETE did (cascade, or set null for a scenario). What is given up: a
-- customer deleted by another transaction while an insert naming it is in flight is not blocked
-- (no row lock); Relance never deletes customers, organizations or scenarios outside of tests.
ALTER TABLE "actions" DROP CONSTRAINT "actions_organization_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "actions" DROP CONSTRAINT "actions_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "actions" DROP CONSTRAINT "actions_scenario_id_scenarios_id_fk";
--> statement-breakpoint
CREATE FUNCTION "actions_check_new_keys"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  -- A correlated scalar subquery per key: the planner runs each as an index probe per row, where
  -- NOT EXISTS or an OR of them may be planned as a hash of the whole referenced table (100,000
  -- customers for each statement of 2,000 rows: thirty times slower, measured).
  SELECT n.organization_id, n.customer_id, n.scenario_id INTO bad FROM new_rows n
   WHERE (SELECT o.id FROM organizations o WHERE o.id = n.organization_id) IS NULL
      OR (SELECT c.id FROM customers c WHERE c.id = n.customer_id) IS NULL
      OR (n.scenario_id IS NOT NULL AND (SELECT s.id FROM scenarios s WHERE s.id = n.scenario_id) IS NULL)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "actions" violates its keys: organization %, customer % or scenario % does not exist',
      bad.organization_id, bad.customer_id, bad.scenario_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "actions_check_inserted_keys" AFTER INSERT ON "actions" REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION "actions_check_new_keys"();
--> statement-breakpoint
CREATE FUNCTION "actions_check_changed_keys"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = NEW.organization_id)
     OR NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = NEW.customer_id)
     OR (NEW.scenario_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM scenarios s WHERE s.id = NEW.scenario_id)) THEN
    RAISE EXCEPTION 'insert or update on table "actions" violates its keys: organization %, customer % or scenario % does not exist',
      NEW.organization_id, NEW.customer_id, NEW.scenario_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "actions_check_updated_keys" BEFORE UPDATE OF "organization_id", "customer_id", "scenario_id" ON "actions"
	FOR EACH ROW WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id OR OLD.customer_id IS DISTINCT FROM NEW.customer_id
	                   OR OLD.scenario_id IS DISTINCT FROM NEW.scenario_id)
	EXECUTE FUNCTION "actions_check_changed_keys"();
--> statement-breakpoint
CREATE FUNCTION "actions_drop_for_customers"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM actions a USING deleted d WHERE a.customer_id = d.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "customers_drop_actions" AFTER DELETE ON "customers" REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION "actions_drop_for_customers"();
--> statement-breakpoint
CREATE FUNCTION "actions_drop_for_organizations"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM actions a USING deleted d WHERE a.organization_id = d.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "organizations_drop_actions" AFTER DELETE ON "organizations" REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION "actions_drop_for_organizations"();
--> statement-breakpoint
CREATE FUNCTION "actions_unset_deleted_scenarios"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE actions a SET scenario_id = NULL FROM deleted d WHERE a.scenario_id = d.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "scenarios_unset_actions" AFTER DELETE ON "scenarios" REFERENCING OLD TABLE AS deleted
	FOR EACH STATEMENT EXECUTE FUNCTION "actions_unset_deleted_scenarios"();
