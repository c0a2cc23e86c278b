/**
 * Claiming, completing and failing outbox rows. A claim is a lease: the row is `in_flight` until
 * `claimed_until`, and a worker that dies mid-push leaves it to expire and be claimed again.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Executor } from '../store/index.ts';
import type { OutboxChange, Provider } from './types.ts';

interface ClaimedRow extends Record<string, unknown> {
  id: string;
  organization_id: string;
  connection_id: string;
  provider: Provider;
  kind: string;
  entity: string;
  external_id: string | null;
  field: string | null;
  payload: Record<string, unknown>;
  idempotency_key: string;
  attempts: number;
}

export interface Claim {
  readonly token: string;
  readonly changes: readonly OutboxChange[];
}

/**
 * Claims up to `limit` due rows, oldest first, at most one per record: a row waits while an older
 * row of its record is pending, in flight or parked, so changes reach the provider in order.
 * Rows of a connection that is not active (needs re-authorization) are left alone.
 */
export async function claimDue(db: Executor, opts: { limit: number; leaseMs: number; connectionId?: string }): Promise<Claim> {
  const token = randomUUID();
  const onlyConnection = opts.connectionId ? sql`AND o.connection_id = ${opts.connectionId}::uuid` : sql``;
  const { rows } = await db.execute<ClaimedRow>(sql`
    WITH due AS (
      SELECT o.id FROM outbox o
      JOIN connections c ON c.id = o.connection_id AND c.status = 'active'
      WHERE ((o.status = 'pending' AND o.next_attempt_at <= now())
          OR (o.status = 'in_flight' AND o.claimed_until < now()))
        ${onlyConnection}
        AND NOT EXISTS (
          SELECT 1 FROM outbox p
          WHERE p.connection_id = o.connection_id AND p.record_key = o.record_key AND p.seq < o.seq
            AND p.status IN ('pending', 'in_flight', 'parked'))
      ORDER BY o.seq
      LIMIT ${opts.limit}
      FOR UPDATE OF o SKIP LOCKED)
    UPDATE outbox o
    SET status = 'in_flight', attempts = o.attempts + 1, claim_token = ${token}::uuid,
        claimed_until = now() + make_interval(secs => ${opts.leaseMs / 1000}), updated_at = now()
    FROM due, connections c
    WHERE o.id = due.id AND c.id = o.connection_id
    RETURNING o.id, o.organization_id, o.connection_id, c.provider, o.kind, o.entity, o.external_id, o.field,
              o.payload, o.idempotency_key, o.attempts, o.seq`);
  rows.sort((a, b) => (BigInt(a.seq as string) < BigInt(b.seq as string) ? -1 : 1));
  return {
    token,
    changes: rows.map((r) => ({
      id: r.id,
      organizationId: r.organization_id,
      connectionId: r.connection_id,
      provider: r.provider,
      kind: r.kind,
      entity: r.entity,
      externalId: r.external_id,
      field: r.field,
      payload: r.payload,
      idempotencyKey: r.idempotency_key,
      attempt: r.attempts,
    })),
  };
}

/**
 * Marks a claimed row pushed, with what the provider answered (its record's id and version: a
 * fee invoice's id is copied onto its fee posting by migration 0031's trigger, in this statement);
 * false when the lease was lost (another worker has it now).
 */
export async function markDone(db: Executor, id: string, token: string, result: Record<string, unknown> | null = null): Promise<boolean> {
  const updated = await db.execute(sql`
    UPDATE outbox SET status = 'done', done_at = now(), claimed_until = NULL, updated_at = now(), last_error = NULL,
      result = ${result === null ? null : JSON.stringify(result)}::jsonb
    WHERE id = ${id}::uuid AND claim_token = ${token}::uuid AND status = 'in_flight'`);
  return (updated.rowCount ?? 0) > 0;
}

/** Puts a claimed row back to wait `delayMs`, keeping the provider's error. */
export async function markRetry(
  db: Executor,
  id: string,
  token: string,
  error: Record<string, unknown>,
  delayMs: number,
): Promise<boolean> {
  const result = await db.execute(sql`
    UPDATE outbox SET status = 'pending', claimed_until = NULL, last_error = ${JSON.stringify(error)}::jsonb,
      next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}), updated_at = now()
    WHERE id = ${id}::uuid AND claim_token = ${token}::uuid AND status = 'in_flight'`);
  return (result.rowCount ?? 0) > 0;
}

/** Parks a claimed row with its error, where an admin sees it; later rows of its record wait. */
export async function markParked(db: Executor, id: string, token: string, error: Record<string, unknown>): Promise<boolean> {
  const result = await db.execute(sql`
    UPDATE outbox SET status = 'parked', claimed_until = NULL, last_error = ${JSON.stringify(error)}::jsonb,
      updated_at = now()
    WHERE id = ${id}::uuid AND claim_token = ${token}::uuid AND status = 'in_flight'`);
  return (result.rowCount ?? 0) > 0;
}
