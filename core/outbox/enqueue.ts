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
