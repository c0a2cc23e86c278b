/**
 * Claiming actions to send: `planned → sending` under `FOR UPDATE SKIP LOCKED`, so two workers
 * never take the same action; a `sending` claim whose lease ran out (its worker died mid-send) is
 * taken over. Only organizations inside their sending hours, only actions due on their local date.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { SendingHours } from '../store/schema/organizations.ts';
import { withinSendingHours } from './sending-hours.ts';

export const DEFAULT_LEASE_MS = 5 * 60_000;

/** Organizations whose sending hours include `now`. */
export async function organizationsInSendingHours(db: Db, now: Date, organizationId?: string): Promise<string[]> {
  const { rows } = await db.execute<{ id: string; timezone: string; sending_hours: SendingHours }>(sql`
    SELECT id, timezone, sending_hours FROM organizations
    ${organizationId ? sql`WHERE id = ${organizationId}::uuid` : sql``}`);
  return rows.filter((o) => withinSendingHours(o.sending_hours, o.timezone, now)).map((o) => o.id);
}

/** Claims up to `limit` due actions for `workerId`; returns their ids. */
export async function claimActions(
  db: Db,
  opts: { workerId: string; limit: number; now: Date; leaseMs?: number; organizationIds: readonly string[] },
): Promise<string[]> {
  if (opts.organizationIds.length === 0) return [];
  const staleBefore = new Date(opts.now.getTime() - (opts.leaseMs ?? DEFAULT_LEASE_MS));
  const orgs = sql`ARRAY[${sql.join(opts.organizationIds.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;
  const { rows } = await db.execute<{ id: string }>(sql`
    WITH due AS (
      SELECT a.id FROM actions a JOIN organizations o ON o.id = a.organization_id
       WHERE a.organization_id = ANY(${orgs})
         AND (a.status = 'planned' OR (a.status = 'sending' AND a.claimed_at < ${staleBefore.toISOString()}::timestamptz))
         AND a.scheduled_for <= (${opts.now.toISOString()}::timestamptz AT TIME ZONE o.timezone)::date
       ORDER BY a.scheduled_for, a.id
       LIMIT ${opts.limit}
       FOR UPDATE OF a SKIP LOCKED)
    UPDATE actions SET status = 'sending', claimed_by = ${opts.workerId},
           claimed_at = ${opts.now.toISOString()}::timestamptz, send_attempts = send_attempts + 1, updated_at = now()
      FROM due WHERE actions.id = due.id
    RETURNING actions.id`);
  return rows.map((r) => r.id);
}
