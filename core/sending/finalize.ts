/**
 * The rest of a sent action's bookkeeping, for a whole batch in one transaction: its timeline
 * activity (`reminder.sent`, or `task.created` for a task, call or escalate step) and its
 * write-back outbox rows. Each accepted action is finalized exactly once: the row's
 * `finalize_pending` is cleared under its lock in the same transaction. A worker that died after
 * the acceptance and before this leaves `finalize_pending` set; once its lease runs out, the next
 * pass of any worker finalizes it (`finalizeOrphans`), so nothing is lost and nothing is sent again.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { enqueueReminderWriteBacks } from '../outbox/index.ts';
import type { AcceptedDelivery } from './acceptance.ts';
import { DEFAULT_LEASE_MS, uuidList } from './claim.ts';

interface Accepted {
  id: string; organization_id: string; customer_id: string; step: number; template: string | null; channel: string;
  details: { scenario?: string }; pending: AcceptedDelivery;
}

async function finalizeWhere(db: Db, which: SQL): Promise<number> {
  return db.transaction(async (tx) => {
    // No need to wait for the disk: a database crash that lost this commit rolls the whole of it
    // back, the actions stay `finalize_pending`, and the next pass finalizes them (finalizeOrphans).
    await tx.execute(sql`SET LOCAL synchronous_commit = off`);
    const { rows } = await tx.execute<Accepted & Record<string, unknown>>(sql`
      WITH taken AS (
        SELECT id, finalize_pending FROM actions WHERE id IN (${which}) AND finalize_pending IS NOT NULL FOR UPDATE)
      UPDATE actions a SET finalize_pending = NULL, claimed_by = NULL, updated_at = now()
        FROM taken WHERE a.id = taken.id
      RETURNING a.id, a.organization_id, a.customer_id, a.step, a.template, a.channel::text AS channel, a.details,
                taken.finalize_pending AS pending`);
    if (rows.length === 0) return 0;
    const activities = rows.map((a) => {
      const d = a.pending;
      const message = a.channel === 'email' || a.channel === 'sms' || a.channel === 'letter';
      return {
        organization_id: a.organization_id, customer_id: a.customer_id, kind: message ? 'reminder.sent' : 'task.created',
        payload: {
          actionId: a.id, step: a.step, scenario: a.details.scenario ?? null, template: a.template, channel: d.channel ?? a.channel,
          to: d.to, fellBack: d.fellBack, invoices: d.invoices, providerMessageId: d.providerMessageId,
        },
      };
    });
    await tx.execute(sql`
      INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
      SELECT x.organization_id, x.customer_id, 'job:dunning.send', x.kind, x.payload
        FROM jsonb_to_recordset(${JSON.stringify(activities)}::jsonb) AS x(organization_id uuid, customer_id uuid, kind text, payload jsonb)`);
    // Write-back (ARCHITECTURE §8): a reminder note and the stage on each listed invoice, the stage
    // on the CRM company; keyed per action, so a finalize run twice adds nothing. For the chunk at
    // once: a few statements, not a few per action.
    await enqueueReminderWriteBacks(tx, rows.map((a) => ({
      organizationId: a.organization_id, actionId: a.id, customerId: a.customer_id, step: a.step,
      scenario: typeof a.details.scenario === 'string' ? a.details.scenario : null, template: a.template,
      channel: a.pending.channel ?? a.channel, date: a.pending.date,
    })));
    return rows.length;
  });
}

/** A batch is finalized in chunks of this many actions, this many transactions at once. */
const FINALIZE_CHUNK = 50;
const FINALIZE_PARALLEL = 2;

/**
 * Finalizes these accepted actions (a batch this worker just sent); returns how many it finalized.
 * The write-back producers take a few statements per action, so the batch goes as a few
 * transactions side by side: their round trips overlap, and each is still all or nothing.
 */
export async function finalizeAccepted(db: Db, ids: readonly string[]): Promise<number> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += FINALIZE_CHUNK) chunks.push(ids.slice(i, i + FINALIZE_CHUNK));
  let done = 0;
  const lane = async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) done += await finalizeWhere(db, sql`SELECT unnest(${uuidList(chunk)})`);
  };
  await Promise.all(Array.from({ length: Math.min(FINALIZE_PARALLEL, chunks.length) }, lane));
  return done;
}

/** Finalizes accepted actions whose worker died before finalizing them (lease run out); returns how many. */
export function finalizeOrphans(db: Db, now: Date, leaseMs = DEFAULT_LEASE_MS, limit = 500): Promise<number> {
  const staleBefore = new Date(now.getTime() - leaseMs).toISOString();
  return finalizeWhere(db, sql`
    SELECT id FROM actions WHERE finalize_pending IS NOT NULL AND claimed_at < ${staleBefore}::timestamptz
     ORDER BY claimed_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`);
}
