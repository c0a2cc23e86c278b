/**
 * Enqueuing a write-back change in the caller's transaction, so that the state change and the
 * change meant for the provider commit together or not at all.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import type { Tx } from '../store/index.ts';
import type { ChangeInput } from './types.ts';

const changeSchema = z.object({
  organizationId: z.uuid(),
  connectionId: z.uuid(),
  kind: z.string().min(1),
  entity: z.string().min(1),
  externalId: z.string().min(1).nullish(),
  field: z.string().min(1).nullish(),
  payload: z.record(z.string(), z.unknown()),
  idempotencyKey: z.string().min(1).max(500),
  recordKey: z.string().min(1).optional(),
});

export interface EnqueueResult {
  /** The row that carries the change (the existing one when the key was already enqueued). */
  id: string;
  /** False when the idempotency key was already there: nothing was written. */
  created: boolean;
  /** Older pending changes to the same field of the same record that this one replaced. */
  superseded: number;
}

/** The ordering scope of a change: one provider record. */
export function recordKeyOf(input: Pick<ChangeInput, 'entity' | 'externalId' | 'recordKey' | 'idempotencyKey'>): string {
  if (input.recordKey) return input.recordKey;
  return input.externalId ? `${input.entity}:${input.externalId}` : `${input.entity}:#${input.idempotencyKey}`;
}

/** Enqueues one change in `tx`; a newer change to a field supersedes the older pending one. */
export async function enqueueChange(tx: Tx, input: ChangeInput): Promise<EnqueueResult> {
  const parsed = changeSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`outbox change.${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const c = parsed.data;
  const recordKey = recordKeyOf(c);
  const { rows } = await tx.execute<{ id: string; seq: string }>(sql`
    INSERT INTO outbox (organization_id, connection_id, kind, entity, external_id, field, record_key, payload, idempotency_key)
    VALUES (${c.organizationId}::uuid, ${c.connectionId}::uuid, ${c.kind}, ${c.entity}, ${c.externalId ?? null},
            ${c.field ?? null}, ${recordKey}, ${JSON.stringify(c.payload)}::jsonb, ${c.idempotencyKey})
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, seq`);
  if (!rows[0]) {
    const existing = await tx.execute<{ id: string }>(sql`SELECT id FROM outbox WHERE idempotency_key = ${c.idempotencyKey}`);
    return { id: existing.rows[0]!.id, created: false, superseded: 0 };
  }
  const { id, seq } = rows[0];
  if (!c.field) return { id, created: true, superseded: 0 };
  // Only `pending` rows: one already claimed (in flight) is pushed as it is, and this one follows it.
  // A claim racing this update holds the row lock; READ COMMITTED re-checks the status after it.
  const superseded = await tx.execute(sql`
    UPDATE outbox SET status = 'superseded', superseded_by = ${id}::uuid, updated_at = now()
    WHERE connection_id = ${c.connectionId}::uuid AND record_key = ${recordKey} AND field = ${c.field}
      AND status = 'pending' AND seq < ${seq}::bigint`);
  return { id, created: true, superseded: superseded.rowCount ?? 0 };
}

/**
 * Enqueues many changes in `tx` in two statements (one insert, one supersede), with the result
 * enqueueChange gives one after the other in the same order: rows in that `seq` order, a key
 * already there writes nothing, and a newer change to a field supersedes every older pending one —
 * each superseded by the first change written after it. Returns how many rows were written. For
 * a batch of senders' write-backs (core/sending/finalize.ts): a few statements per batch instead
 * of a few per change.
 */
export async function enqueueChanges(tx: Tx, inputs: readonly ChangeInput[]): Promise<number> {
  if (inputs.length === 0) return 0;
  const rows = inputs.map((input, i) => {
    const parsed = changeSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidInput(`outbox change.${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
    }
    const c = parsed.data;
    return {
      ord: i, organization_id: c.organizationId, connection_id: c.connectionId, kind: c.kind, entity: c.entity, external_id: c.externalId ?? null,
      field: c.field ?? null, record_key: recordKeyOf(c), payload: c.payload, idempotency_key: c.idempotencyKey,
    };
  });
  const { rows: created } = await tx.execute<{ id: string; seq: string; connection_id: string; record_key: string; field: string | null }>(sql`
    INSERT INTO outbox (organization_id, connection_id, kind, entity, external_id, field, record_key, payload, idempotency_key)
    SELECT organization_id, connection_id, kind, entity, external_id, field, record_key, payload, idempotency_key
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(ord int, organization_id uuid, connection_id uuid, kind text, entity text,
           external_id text, field text, record_key text, payload jsonb, idempotency_key text)
     ORDER BY ord
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, seq::text AS seq, connection_id, record_key, field`);
  const fresh = created.filter((r) => r.field !== null);
  if (fresh.length === 0) return created.length;
  // Each older pending row of a field and record goes to the first row written after it (as one
  // enqueueChange after the other would leave them).
  await tx.execute(sql`
    WITH fresh AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(fresh)}::jsonb) AS f(id uuid, seq bigint, connection_id uuid, record_key text, field text)),
    replaced AS (
      SELECT o.id, (SELECT f.id FROM fresh f
                     WHERE f.connection_id = o.connection_id AND f.record_key = o.record_key AND f.field = o.field AND f.seq > o.seq
                     ORDER BY f.seq LIMIT 1) AS by
        FROM outbox o
       WHERE o.status = 'pending' AND (o.connection_id, o.record_key, o.field) IN (SELECT connection_id, record_key, field FROM fresh))
    UPDATE outbox o SET status = 'superseded', superseded_by = replaced.by, updated_at = now()
      FROM replaced WHERE o.id = replaced.id AND replaced.by IS NOT NULL`);
  return created.length;
}
