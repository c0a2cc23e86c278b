/**
 * The approval queue: steps that require approval wait as `awaiting_approval`; a collector lists
 * them, previews the rendered message, edits it, and approves (→ `planned`, sent at the next send
 * pass in sending hours) or rejects (→ `cancelled`), one by one or in bulk. Each decision is an
 * activity (the audit log) and reports per item.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { InvalidInput } from '../errors.ts';
import { todayIn } from '../calendar/index.ts';
import type { RenderedMessage } from '../messages/index.ts';
import { parseTemplate } from '../messages/placeholders.ts';
import { checkVariables } from '../messages/variable-model.ts';
import { composeMessage, loadActionForSend } from '../sending/compose.ts';
import type { MessageOverride, SendDeps } from '../sending/types.ts';

export interface QueueEntry {
  id: string; customerId: string; customerName: string; step: number; channel: string; template: string;
  scenario: string | null; scheduledFor: string; currency: string | null; amountDue: string | null; invoiceCount: number;
  /** Why the send job held it back (a missing postal address…), or null for a step that asks approval. */
  holdReason: string | null;
}

/** The organization's actions awaiting approval, oldest first, `limit` at a time after `after` (an id). */
export async function listQueue(db: Db, organizationId: string, opts: { limit?: number; after?: string } = {}): Promise<QueueEntry[]> {
  const { rows } = await db.execute<QueueEntry & Record<string, unknown>>(sql`
    SELECT a.id, a.customer_id AS "customerId", c.name AS "customerName", a.step, a.channel::text AS channel,
           a.template, a.details->>'scenario' AS scenario, a.scheduled_for AS "scheduledFor", a.currency,
           a.amount_due_minor::text AS "amountDue", a.details->>'holdReason' AS "holdReason",
           (SELECT count(*)::int FROM action_invoices ai WHERE ai.action_id = a.id) AS "invoiceCount"
      FROM actions a JOIN customers c ON c.id = a.customer_id
     WHERE a.organization_id = ${organizationId}::uuid AND a.status = 'awaiting_approval'
       ${opts.after ? sql`AND a.id > ${opts.after}::uuid` : sql``}
     ORDER BY a.id LIMIT ${opts.limit ?? 50}`);
  return rows;
}

/** The message as it would leave today, with the collector's edit applied. */
export async function previewAction(db: Db, deps: Pick<SendDeps, 'render' | 'portalUrl'>, actionId: string, now = new Date()): Promise<RenderedMessage> {
  const action = await loadActionForSend(db, actionId);
  return composeMessage(deps, action, todayIn(action.org_timezone, now));
}

const overrideShape = z.strictObject({
  subject: z.string().min(1).max(300).optional(),
  text: z.string().min(1).optional(),
  html: z.string().min(1).optional(),
  /** Rewritten text blocks of the template ({{#block name}}); the layout, table, fees and links stay. */
  blocks: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'a block name'), z.string().max(5000)).optional(),
});

/** Saves a collector's edit of a waiting message; only while it waits for approval. */
export async function editAction(db: Db, actionId: string, edit: MessageOverride, by: string): Promise<void> {
  const parsed = overrideShape.safeParse(edit);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`edit ${issue.path.join('.') || '(body)'}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const { blocks, ...override } = parsed.data;
  if (blocks) checkBlockTexts(blocks);
  const updated = await db.execute<{ organization_id: string; customer_id: string }>(sql`
    UPDATE actions SET updated_at = now(),
           details = details || jsonb_build_object('override', COALESCE(details->'override', '{}'::jsonb) || ${JSON.stringify(override)}::jsonb,
                                                   'blocks', COALESCE(details->'blocks', '{}'::jsonb) || ${JSON.stringify(blocks ?? {})}::jsonb,
                                                   'editedBy', ${by}::text)
     WHERE id = ${actionId}::uuid AND status = 'awaiting_approval'
    RETURNING organization_id, customer_id`);
  const row = updated.rows[0];
  if (!row) throw new InvalidInput(`action ${actionId}: not awaiting approval`, { field: 'actionId' });
  // The edit on the customer's timeline: what the approver changed, block by block.
  await db.execute(sql`
    INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
    VALUES (${row.organization_id}, ${row.customer_id}, ${`user:${by}`}, 'reminder.edited',
            jsonb_build_object('actionId', ${actionId}::text, 'blocks', ${JSON.stringify(blocks ?? {})}::jsonb, 'fields', ${JSON.stringify(Object.keys(parsed.data))}::jsonb))`);
}

/** An edited block may use the template's variables, never an unknown one: refused naming the block. */
function checkBlockTexts(blocks: Readonly<Record<string, string>>): void {
  for (const [name, text] of Object.entries(blocks)) {
    try {
      checkVariables(parseTemplate(text));
    } catch (e) {
      throw new InvalidInput(`blocks.${name}: ${(e as Error).message}`, { field: `blocks.${name}` });
    }
  }
}

export type Decision = 'approve' | 'reject';
export interface DecisionResult { id: string; ok: boolean; error?: string }

/**
 * Approves or rejects actions, each on its own (one that already left the queue is reported, the
 * others still go through). Returns one result per id, in order.
 */
export async function decide(
  db: Db,
  ids: readonly string[],
  decision: Decision,
  by: string,
  reason?: string,
): Promise<DecisionResult[]> {
  if (decision === 'reject' && !reason?.trim()) throw new InvalidInput('reason: a rejection must say why', { field: 'reason' });
  const results: DecisionResult[] = [];
  for (const id of ids) {
    const ok = await db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ organization_id: string; customer_id: string }>(sql`
        UPDATE actions SET updated_at = now(),
               status = ${decision === 'approve' ? 'planned' : 'cancelled'}::action_status,
               approved_by = ${decision === 'approve' ? by : null},
               details = details || jsonb_build_object('decidedBy', ${by}::text, 'decision', ${decision}::text,
                                                       'rejectReason', ${reason ?? null}::text)
         WHERE id = ${id}::uuid AND status = 'awaiting_approval'
        RETURNING organization_id, customer_id`);
      const row = rows[0];
      if (!row) return false;
      await tx.execute(sql`
        INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
        VALUES (${row.organization_id}, ${row.customer_id}, ${`user:${by}`}, ${`reminder.${decision === 'approve' ? 'approved' : 'rejected'}`},
                jsonb_build_object('actionId', ${id}::text, 'reason', ${reason ?? null}::text))`);
      return true;
    });
    results.push(ok ? { id, ok } : { id, ok, error: 'not awaiting approval' });
  }
  return results;
}

/** Approves one or many actions. */
export const approveActions = (db: Db, ids: readonly string[], by: string) => decide(db, ids, 'approve', by);
/** Rejects one or many actions, with the reason. */
export const rejectActions = (db: Db, ids: readonly string[], by: string, reason: string) => decide(db, ids, 'reject', by, reason);
