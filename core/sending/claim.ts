/**
 * Claiming actions to send: `planned → sending` under `FOR UPDATE SKIP LOCKED`, so two workers
 * never take the same action; a `sending` claim whose lease ran out (its worker died mid-send) is
 * taken over. Only organizations inside their sending hours, only actions due on their local date,
 * only once the back-off of a transient failure has passed. A claim is not an attempt: a worker
 * that dies holding it costs the action nothing (`send_attempts` counts failures, failure.ts).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { SendingHours } from '../store/schema/organizations.ts';
import { withinSendingHours } from './sending-hours.ts';

export const DEFAULT_LEASE_MS = 5 * 60_000;

type Executor = Pick<Db, 'execute'>;

/** Organizations whose sending hours include `now`. */
export async function organizationsInSendingHours(db: Executor, now: Date, organizationId?: string): Promise<string[]> {
  const { rows } = await db.execute<{ id: string; timezone: string; sending_hours: SendingHours }>(sql`
    SELECT id, timezone, sending_hours FROM organizations
    ${organizationId ? sql`WHERE id = ${organizationId}::uuid` : sql``}`);
  return rows.filter((o) => withinSendingHours(o.sending_hours, o.timezone, now)).map((o) => o.id);
}

export function uuidList(ids: readonly string[]) {
  return sql`ARRAY[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;
}

/** Claims up to `limit` due actions for `workerId`; returns their ids. */
export async function claimActions(
  db: Executor,
  opts: { workerId: string; limit: number; now: Date; leaseMs?: number; organizationIds: readonly string[] },
): Promise<string[]> {
  if (opts.organizationIds.length === 0 || opts.limit <= 0) return [];
  const now = opts.now.toISOString();
  const staleBefore = new Date(opts.now.getTime() - (opts.leaseMs ?? DEFAULT_LEASE_MS)).toISOString();
  const { rows } = await db.execute<{ id: string }>(sql`
    WITH due AS (
      SELECT a.id FROM actions a JOIN organizations o ON o.id = a.organization_id
       WHERE a.organization_id = ANY(${uuidList(opts.organizationIds)})
         AND (a.status = 'planned' OR (a.status = 'sending' AND a.claimed_at < ${staleBefore}::timestamptz))
         AND (a.next_attempt_at IS NULL OR a.next_attempt_at <= ${now}::timestamptz)
         AND a.scheduled_for <= (${now}::timestamptz AT TIME ZONE o.timezone)::date
       ORDER BY a.scheduled_for, a.id
       LIMIT ${opts.limit}
       FOR UPDATE OF a SKIP LOCKED)
    UPDATE actions SET status = 'sending', claimed_by = ${opts.workerId}, claimed_at = ${now}::timestamptz, updated_at = now()
      FROM due WHERE actions.id = due.id
    RETURNING actions.id`);
  return rows.map((r) => r.id);
}

/**
 * Renews this worker's lease on `ids` (still sending, or accepted and not yet finalized) to `now`;
 * returns the ids still ours. Called while a batch is in progress, so a slow SMTP server never
 * lets a live send's lease run out and another worker re-claim it.
 */
export async function renewClaims(db: Executor, workerId: string, ids: readonly string[], now: Date): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.execute<{ id: string }>(sql`
    UPDATE actions SET claimed_at = ${now.toISOString()}::timestamptz
     WHERE id = ANY(${uuidList(ids)}) AND claimed_by = ${workerId}
       AND (status = 'sending' OR finalize_pending IS NOT NULL)
    RETURNING id`);
  return new Set(rows.map((r) => r.id));
}
