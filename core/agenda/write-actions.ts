/**
 * Writes one batch of planned actions: the cancellation of the batch's still-pending actions that
 * the new plan replaces, then one statement that inserts the actions (ON CONFLICT (idempotency_key)
 * DO NOTHING) and, in the same statement, the action_invoices of those it inserted (parallel
 * arrays, no per-row JSON), in one transaction. Re-runs and concurrent runs cannot duplicate an
 * action.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { Queryable } from './load-ledgers.ts';
import type { IsoDate } from '../calendar/index.ts';
import { formatMinor } from '../money.ts';
import type { PlannedAction } from '../dunning/index.ts';
import { actionKey } from './idempotency-key.ts';

export interface BatchWrite {
  readonly organizationId: string;
  readonly asOf: IsoDate;
  /**
   * Every customer the batch planned, with or without an action: their stale actions are
   * superseded. Only customers of `organizationId`.
   */
  readonly customerIds: readonly string[];
  readonly actions: readonly PlannedAction[];
  /** Scenario name → id. */
  readonly scenarioIds: ReadonlyMap<string, string>;
}

export interface BatchOutcome {
  inserted: number;
  superseded: number;
}

/**
 * A time-ordered UUID (version 7, RFC 9562: 48 bits of milliseconds, then 74 random bits). A run
 * inserts a hundred thousand actions and a million links keyed by their ids: random ids would
 * touch a random page of each index per row, these append to the right end of the indexes.
 */
let lastMs = 0;
let pool = Buffer.alloc(0);
let poolOffset = 0;
/** 16 fresh random bytes, cut from a larger draw: one randomBytes call per id costs more than the rest. */
function randomChunk(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(16 * 1024);
    poolOffset = 0;
  }
  const chunk = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return chunk;
}
let sequence = 0;
export function timeOrderedUuid(): string {
  const now = Date.now();
  // Within one millisecond a counter in the random part keeps this process's ids increasing.
  sequence = now === lastMs ? (sequence + 1) & 0xfff : 0;
  lastMs = now;
  const bytes = randomChunk();
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toRow(w: BatchWrite, a: PlannedAction) {
  return {
    id: timeOrderedUuid(),
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
  };
}

/** A text[]/uuid[]/int[] literal, '{a,b}': one bind parameter for a whole column of the batch. */
function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}

/**
 * Inserts the batch's actions and supersedes what they replace, inside the caller's transaction
 * (the daily run writes a whole part of the organization in the transaction that claims it).
 */
export async function writeActions(tx: Queryable, w: BatchWrite): Promise<BatchOutcome> {
  const rows = w.actions.map((a) => toRow(w, a));
  const keys = rows.map((r) => r.key);
  // A pending action the new plan no longer contains (paid since, a new invoice joined, a higher
  // step came) is cancelled: the customer gets the one current reminder, not a stale one as well.
  // Done before the insert, which can only add actions the plan contains: the candidates are then
  // yesterday's pending actions, not the batch's own new ones. The keys are an anti-join (hashed).
  // No condition on the organization: it would let the planner scan the organization's every
  // pending action through its index instead of probing the batch's customers (the caller passes
  // only customers of `organizationId`).
  const superseded = await tx.execute(sql`
    UPDATE actions SET status = 'cancelled', updated_at = now(),
           details = details || jsonb_build_object('cancelledReason', 'superseded', 'cancelledOn', ${w.asOf}::text)
     WHERE actions.customer_id = ANY(${arrayLiteral(w.customerIds)}::uuid[])
       AND actions.status IN ('planned', 'awaiting_approval')
       AND NOT EXISTS (SELECT 1 FROM unnest(${arrayLiteral(keys.map((k) => `"${k}"`))}::text[]) AS k(key)
                        WHERE k.key = actions.idempotency_key)`);
  let inserted = 0;
  if (rows.length > 0) {
    // The links go in the same statement as their actions, keyed by the ids made here, and only
    // for the actions this statement inserted (not those another run inserted first): one round
    // trip, and nothing comes back but the count.
    const actionIds: string[] = [];
    const invoiceIds: string[] = [];
    const levels: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const id = rows[i]!.id;
      for (const l of w.actions[i]!.levels) {
        actionIds.push(id);
        invoiceIds.push(l.invoiceExternalId);
        levels.push(l.step);
      }
    }
    const result = await tx.execute<{ inserted: number }>(sql`
      WITH inserted AS (
        INSERT INTO actions (id, organization_id, customer_id, scenario_id, step, channel, template, status,
                             idempotency_key, scheduled_for, currency, amount_due_minor, details)
        SELECT id, ${w.organizationId}, "customerId", "scenarioId", step, channel, template, status,
               key, ${w.asOf}::date, currency, "amountDue", details
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
            id uuid, key text, "customerId" uuid, "scenarioId" uuid, step int, channel action_channel, template text,
            status action_status, currency char(3), "amountDue" bigint, details jsonb)
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id),
      links AS (
        INSERT INTO action_invoices (action_id, invoice_id, level)
        SELECT l.action_id, l.invoice_id, l.level
          FROM unnest(${arrayLiteral(actionIds)}::uuid[], ${arrayLiteral(invoiceIds)}::uuid[], ${arrayLiteral(levels)}::int[])
               AS l(action_id, invoice_id, level)
         WHERE l.action_id IN (SELECT id FROM inserted)
         -- In invoice order, successive rows of the invoice index land on the same or the next page.
         ORDER BY l.invoice_id)
      SELECT count(*)::int AS inserted FROM inserted`);
    inserted = result.rows[0]!.inserted;
  }
  return { inserted, superseded: superseded.rowCount ?? 0 };
}

/** Inserts the batch's actions and supersedes what they replace, in one transaction; returns the counts. */
export async function writeBatch(db: Db, w: BatchWrite): Promise<BatchOutcome> {
  return db.transaction((tx) => writeActions(tx, w));
}
