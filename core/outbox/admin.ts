/** What an admin sees of the outbox and can do about a parked row. */
import { sql } from 'drizzle-orm';
import { NotFound } from '../errors.ts';
import type { Executor } from '../store/index.ts';

export interface ParkedRow {
  id: string;
  connectionId: string;
  kind: string;
  entity: string;
  externalId: string | null;
  attempts: number;
  lastError: Record<string, unknown> | null;
  updatedAt: string;
}

/** Parked rows of an organization, oldest first, with the provider's error. */
export async function listParked(db: Executor, organizationId: string): Promise<ParkedRow[]> {
  const { rows } = await db.execute<Record<string, unknown>>(sql`
    SELECT id, connection_id, kind, entity, external_id, attempts, last_error, updated_at
    FROM outbox WHERE organization_id = ${organizationId}::uuid AND status = 'parked' ORDER BY seq`);
  return rows.map((r) => ({
    id: r.id as string,
    connectionId: r.connection_id as string,
    kind: r.kind as string,
    entity: r.entity as string,
    externalId: (r.external_id as string | null) ?? null,
    attempts: Number(r.attempts),
    lastError: (r.last_error as Record<string, unknown> | null) ?? null,
    updatedAt: new Date(r.updated_at as string).toISOString(),
  }));
}

/** Puts a parked row back in the queue, due now, with a fresh attempt count; the error stays until it succeeds. */
export async function retryParked(db: Executor, id: string): Promise<void> {
  const result = await db.execute(sql`
    UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
    WHERE id = ${id}::uuid AND status = 'parked'`);
  if ((result.rowCount ?? 0) === 0) throw new NotFound(`outbox row ${id} is not parked`, { field: 'id' });
}

/** Counts by status, for /healthz and the console. */
export async function outboxCounts(db: Executor, organizationId?: string): Promise<Record<string, number>> {
  const where = organizationId ? sql`WHERE organization_id = ${organizationId}::uuid` : sql``;
  const { rows } = await db.execute<{ status: string; n: string }>(
    sql`SELECT status::text, count(*)::text AS n FROM outbox ${where} GROUP BY status`,
  );
  const counts: Record<string, number> = { pending: 0, in_flight: 0, done: 0, parked: 0, superseded: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
