/**
 * Writes one batch of planned actions: one INSERT … ON CONFLICT (idempotency_key) DO NOTHING with its
 * action_invoices, and the cancellation of the batch's still-pending actions that the new plan
 * replaces, in one transaction. Re-runs and concurrent runs cannot duplicate an action.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { IsoDate } from '../calendar/index.ts';
import { formatMinor } from '../money.ts';
import type { PlannedAction } from '../dunning/index.ts';
import { actionKey } from './idempotency-key.ts';

export interface BatchWrite {
  readonly organizationId: string;
  readonly asOf: IsoDate;
  /** Every customer the batch planned, with or without an action: their stale actions are superseded. */
  readonly customerIds: readonly string[];
  readonly actions: readonly PlannedAction[];
  /** Scenario name → id. */
  readonly scenarioIds: ReadonlyMap<string, string>;
}

export interface BatchOutcome {
  inserted: number;
  superseded: number;
}

function toRow(w: BatchWrite, a: PlannedAction) {
  return {
    key: actionKey(w.organizationId, a.customerExternalId, a),
    customerId: a.customerExternalId,
    scenarioId: w.scenarioIds.get(a.scenario) ?? null,
    step: a.step,
    channel: a.action,
    template: a.template,
    status: a.status,
    currency: a.currency,
    amountDue: a.amountDue.toString(),
    details: {
      scenario: a.scenario,
      stepDate: a.date,
      invoiceIds: a.invoiceExternalIds,
      fees: {
        interest: formatMinor(a.fees.interest, a.currency),
        fixed: formatMinor(a.fees.fixed, a.currency),
        total: formatMinor(a.fees.total, a.currency),
        asOf: w.asOf,
        perInvoice: Object.fromEntries(
          Object.entries(a.feesByInvoice ?? {}).map(([id, f]) => [id, { interest: formatMinor(f.interest, a.currency), fixed: formatMinor(f.fixed, a.currency) }]),
        ),
      },
    },
    levels: a.levels.map((l) => ({ invoiceId: l.invoiceExternalId, level: l.step })),
  };
}

/** Inserts the batch's actions and supersedes what they replace; returns the counts. */
export async function writeBatch(db: Db, w: BatchWrite): Promise<BatchOutcome> {
  const rows = w.actions.map((a) => toRow(w, a));
  const keys = rows.map((r) => r.key);
  return db.transaction(async (tx) => {
    let inserted = 0;
    if (rows.length > 0) {
      const result = await tx.execute<{ inserted: number }>(sql`
        WITH input AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
            key text, "customerId" uuid, "scenarioId" uuid, step int, channel action_channel, template text,
            status action_status, currency char(3), "amountDue" bigint, details jsonb, levels jsonb)
        ), ins AS (
          INSERT INTO actions (organization_id, customer_id, scenario_id, step, channel, template, status,
                               idempotency_key, scheduled_for, currency, amount_due_minor, details)
          SELECT ${w.organizationId}, "customerId", "scenarioId", step, channel, template, status,
                 key, ${w.asOf}::date, currency, "amountDue", details FROM input
          ON CONFLICT (idempotency_key) DO NOTHING
          RETURNING id, idempotency_key
        ), links AS (
          INSERT INTO action_invoices (action_id, invoice_id, level)
          SELECT ins.id, (l->>'invoiceId')::uuid, (l->>'level')::int
            FROM ins JOIN input ON input.key = ins.idempotency_key, jsonb_array_elements(input.levels) l
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM links)::int AS linked`);
      inserted = result.rows[0]!.inserted;
    }
    // A pending action the new plan no longer contains (paid since, a new invoice joined, a higher
    // step came) is cancelled: the customer gets the one current reminder, not a stale one as well.
    const superseded = await tx.execute(sql`
      UPDATE actions SET status = 'cancelled', updated_at = now(),
             details = details || jsonb_build_object('cancelledReason', 'superseded', 'cancelledOn', ${w.asOf}::text)
       WHERE organization_id = ${w.organizationId}
         AND customer_id = ANY(ARRAY[${sql.join(w.customerIds.map((id) => sql`${id}`), sql`, `)}]::uuid[])
         AND status IN ('planned', 'awaiting_approval')
         AND NOT (idempotency_key = ANY(ARRAY[${sql.join([sql`''`, ...keys.map((k) => sql`${k}`)], sql`, `)}]::text[]))`);
    return { inserted, superseded: superseded.rowCount ?? 0 };
  });
}
