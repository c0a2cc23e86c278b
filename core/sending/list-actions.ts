/**
 * Actions by status, for operators (`relance actions list`): the approval queue, failures with
 * their last error, what is planned. Amounts are decimal strings with their currency (FORMATS.md).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { actionStatusEnum } from '../store/schema/enums.ts';
import { formatMinor } from '../money.ts';

export const ACTION_STATUSES = actionStatusEnum.enumValues;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface ActionListEntry {
  id: string; organizationId: string; customerId: string; customerName: string; status: ActionStatus;
  step: number; channel: string; template: string; scenario: string | null; scheduledFor: string;
  amountDue: string | null; currency: string | null; invoiceCount: number; lastError: string | null;
}

/** Actions of `status` (optionally of one organization), oldest scheduled first, `limit` at most. */
export async function listActions(
  db: Pick<Db, 'execute'>,
  opts: { status: ActionStatus; organizationId?: string; limit?: number },
): Promise<ActionListEntry[]> {
  const { rows } = await db.execute<Omit<ActionListEntry, 'amountDue'> & { amountMinor: string | null } & Record<string, unknown>>(sql`
    SELECT a.id, a.organization_id AS "organizationId", a.customer_id AS "customerId", c.name AS "customerName",
           a.status::text AS status, a.step, a.channel::text AS channel, a.template, a.details->>'scenario' AS scenario,
           a.scheduled_for::text AS "scheduledFor", a.amount_due_minor::text AS "amountMinor", a.currency,
           (SELECT count(*)::int FROM action_invoices ai WHERE ai.action_id = a.id) AS "invoiceCount",
           a.last_error->>'message' AS "lastError"
      FROM actions a JOIN customers c ON c.id = a.customer_id
     WHERE a.status = ${opts.status}::action_status
       ${opts.organizationId ? sql`AND a.organization_id = ${opts.organizationId}::uuid` : sql``}
     ORDER BY a.scheduled_for, a.id LIMIT ${opts.limit ?? 100}`);
  return rows.map(({ amountMinor, ...r }) => ({
    ...r,
    amountDue: amountMinor !== null && r.currency ? formatMinor(BigInt(amountMinor), r.currency) : null,
  }));
}
