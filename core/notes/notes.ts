/**
 * What a collector records by hand about a customer: a note, a call with its outcome, a task for a
 * colleague. Notes and calls are timeline activities; a call whose outcome is a promise or a
 * dispute creates the real promise (core/promises) or dispute (core/disputes) in the same
 * transaction, so dunning stops exactly as if it had been recorded from its own form. A task goes
 * to a member who can see the customer and, when asked, to the HubSpot company owner as a task.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { openDispute } from '../disputes/index.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { enqueuePushChange } from '../outbox/index.ts';
import { recordPromise } from '../promises/index.ts';
import type { Executor, Tx } from '../store/index.ts';

export const CALL_OUTCOMES = ['reached', 'voicemail', 'promise', 'dispute', 'wrong_number'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1250.00"');

export const noteInputSchema = z.object({ body: z.string().trim().min(1, 'must not be empty').max(5000) });

export const callInputSchema = z.object({
  outcome: z.enum(CALL_OUTCOMES),
  note: z.string().trim().max(5000).nullish(),
  /** With outcome `promise`: what the customer promised. */
  promise: z.object({ amount: decimal, date: z.iso.date('must be a date YYYY-MM-DD') }).nullish(),
  /** With outcome `dispute`: which invoices and why. */
  dispute: z.object({ invoiceIds: z.array(z.uuid()).min(1), reason: z.string().trim().min(1) }).nullish(),
});
export type CallInput = z.input<typeof callInputSchema>;

export const taskInputSchema = z.object({
  title: z.string().trim().min(1, 'must say what to do').max(500),
  dueDate: z.iso.date('must be a date YYYY-MM-DD'),
  assigneeId: z.uuid('must be the id of a member'),
  /** Also a task for the owner of the customer's HubSpot companies. */
  hubspot: z.boolean().optional(),
});
export type TaskInput = z.input<typeof taskInputSchema>;

export interface NoteContext {
  organizationId: string;
  customerId: string;
  /** The user recording it: `user:<id>` on the timeline. */
  userId: string;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || 'body';
  throw new InvalidInput(`${what}.${field}: ${issue.message}`, { field });
}

async function activity(tx: Executor, ctx: NoteContext, kind: string, payload: Record<string, unknown>): Promise<string> {
  const { rows } = await tx.execute<{ id: string }>(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
    VALUES (${ctx.organizationId}::uuid, ${ctx.customerId}::uuid, ${`user:${ctx.userId}`}, ${kind}, ${JSON.stringify(payload)}::jsonb) RETURNING id`);
  return rows[0]!.id;
}

/** A note on the customer's timeline. */
export async function addNote(tx: Tx, ctx: NoteContext, input: unknown): Promise<{ id: string }> {
  const n = parse(noteInputSchema, input, 'note');
  return { id: await activity(tx, ctx, 'note.added', { body: n.body }) };
}

/** A call and its outcome; a promise or dispute outcome records the promise or dispute itself. */
export async function logCall(tx: Tx, ctx: NoteContext, input: unknown): Promise<{ id: string; promiseId: string | null; disputeId: string | null }> {
  const c = parse(callInputSchema, input, 'call');
  let promiseId: string | null = null;
  let disputeId: string | null = null;
  if (c.outcome === 'promise') {
    if (!c.promise) throw new InvalidInput('call.promise: a promise outcome needs the amount and date promised', { field: 'promise' });
    promiseId = (await recordPromise(tx, { organizationId: ctx.organizationId, customerId: ctx.customerId, amount: c.promise.amount, date: c.promise.date, recordedBy: ctx.userId, note: c.note ?? null })).id;
  }
  if (c.outcome === 'dispute') {
    if (!c.dispute) throw new InvalidInput('call.dispute: a dispute outcome needs the invoices and the reason', { field: 'dispute' });
    const { rows } = await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM invoices WHERE customer_id = ${ctx.customerId}::uuid AND id = ANY(${sql.param(c.dispute.invoiceIds)}::uuid[])`);
    if ((rows[0]?.n ?? 0) !== new Set(c.dispute.invoiceIds).size) throw new InvalidInput('call.dispute.invoiceIds: not invoices of this customer', { field: 'dispute.invoiceIds' });
    disputeId = (await openDispute(tx, { organizationId: ctx.organizationId, invoiceIds: c.dispute.invoiceIds, reason: c.dispute.reason, openedVia: 'admin', actor: `user:${ctx.userId}` })).id;
  }
  if (c.outcome === 'wrong_number') {
    // The number on file reached someone else: the phone channel skips it until a sync brings another.
    await tx.execute(sql`UPDATE customers SET phone_invalid_at = now(), phone_invalid_address = phone, updated_at = now()
      WHERE id = ${ctx.customerId}::uuid AND phone IS NOT NULL`);
  }
  const id = await activity(tx, ctx, 'call.logged', { outcome: c.outcome, note: c.note ?? null, promiseId, disputeId, promise: c.promise ?? null, dispute: c.dispute ? { reason: c.dispute.reason } : null });
  return { id, promiseId, disputeId };
}

/** A member who can see the customer: in the organization, and assigned to it when they see only theirs. */
async function assigneeSees(tx: Executor, organizationId: string, customerId: string, userId: string): Promise<{ name: string } | null> {
  const { rows } = await tx.execute<{ name: string }>(sql`
    SELECT coalesce(u.display_name, u.email) AS name FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.organization_id = ${organizationId}::uuid AND m.user_id = ${userId}::uuid AND NOT u.disabled
       AND (NOT m.assigned_only OR EXISTS (SELECT 1 FROM customer_assignments ca WHERE ca.user_id = m.user_id AND ca.customer_id = ${customerId}::uuid))`);
  return rows[0] ?? null;
}

/** A task for a member who sees the customer; optionally a HubSpot task for each linked company's owner. */
export async function createTask(tx: Tx, ctx: NoteContext, input: unknown): Promise<{ id: string; hubspotTasks: number }> {
  const t = parse(taskInputSchema, input, 'task');
  const assignee = await assigneeSees(tx, ctx.organizationId, ctx.customerId, t.assigneeId);
  if (!assignee) throw new InvalidInput('task.assigneeId: not a member who can see this customer', { field: 'assigneeId' });
  const { rows } = await tx.execute<{ id: string }>(sql`
    INSERT INTO collector_tasks (organization_id, customer_id, title, due_date, assignee_id, created_by)
    VALUES (${ctx.organizationId}::uuid, ${ctx.customerId}::uuid, ${t.title}, ${t.dueDate}::date, ${t.assigneeId}::uuid, ${`user:${ctx.userId}`}) RETURNING id`);
  const id = rows[0]!.id;
  await activity(tx, ctx, 'task.assigned', { taskId: id, title: t.title, dueDate: t.dueDate, assigneeId: t.assigneeId, assignee: assignee.name });
  let hubspotTasks = 0;
  if (t.hubspot) {
    const { rows: companies } = await tx.execute<{ id: string; connection_id: string; external_id: string; owner: string | null; name: string }>(sql`
      SELECT ref.id, ref.connection_id, ref.external_id, cr.owner_external_id AS owner, c.name
        FROM customer_external_refs ref JOIN customers c ON c.id = ref.customer_id
        LEFT JOIN crm_records cr ON cr.connection_id = ref.connection_id AND cr.object_type = 'company' AND cr.external_id = ref.external_id
       WHERE ref.customer_id = ${ctx.customerId}::uuid AND ref.kind = 'company' ORDER BY ref.external_id`);
    for (const ref of companies) {
      await enqueuePushChange(tx, {
        organizationId: ctx.organizationId, connectionId: ref.connection_id, idempotencyKey: `task:${id}:company:${ref.id}`,
        change: { kind: 'create_owner_task', companyExternalId: ref.external_id, subject: `Relance: ${t.title} (${ref.name})`, body: `${t.title}. Due ${t.dueDate}; assigned in Relance to ${assignee.name}.`, dueDate: t.dueDate, ownerExternalId: ref.owner },
      });
      hubspotTasks += 1;
    }
  }
  return { id, hubspotTasks };
}

export interface TaskRow {
  id: string; title: string; dueDate: string; status: string; customer: { id: string; name: string }; assignee: { id: string; name: string }; createdBy: string; createdAt: string;
}

/** Open tasks of the organization, by due date: one assignee's, or one customer's. */
export async function listTasks(db: Executor, organizationId: string, where: { assigneeId?: string; customerId?: string; visible: readonly string[] | null }): Promise<TaskRow[]> {
  const { rows } = await db.execute<{ id: string; title: string; due_date: string; status: string; customer_id: string; customer_name: string; assignee_id: string; assignee_name: string; created_by: string; created_at: Date }>(sql`
    SELECT t.id, t.title, t.due_date::text, t.status, t.customer_id, c.name AS customer_name, t.assignee_id, coalesce(u.display_name, u.email) AS assignee_name, t.created_by, t.created_at
      FROM collector_tasks t JOIN customers c ON c.id = t.customer_id JOIN users u ON u.id = t.assignee_id
     WHERE t.organization_id = ${organizationId}::uuid AND t.status = 'open'
       ${where.assigneeId ? sql`AND t.assignee_id = ${where.assigneeId}::uuid` : sql``}
       ${where.customerId ? sql`AND t.customer_id = ${where.customerId}::uuid` : sql``}
       ${where.visible === null ? sql`` : sql`AND t.customer_id = ANY(${sql.param(where.visible)}::uuid[])`}
     ORDER BY t.due_date, t.created_at LIMIT 500`);
  return rows.map((r) => ({
    id: r.id, title: r.title, dueDate: r.due_date, status: r.status, customer: { id: r.customer_id, name: r.customer_name },
    assignee: { id: r.assignee_id, name: r.assignee_name }, createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Marks an open task done, on the customer's timeline. */
export async function completeTask(tx: Tx, organizationId: string, taskId: string, userId: string): Promise<{ id: string; customerId: string }> {
  const { rows } = await tx.execute<{ customer_id: string; title: string }>(sql`
    UPDATE collector_tasks SET status = 'done', done_at = now() WHERE id = ${taskId}::uuid AND organization_id = ${organizationId}::uuid AND status = 'open'
    RETURNING customer_id, title`);
  if (!rows[0]) throw new NotFound(`task ${taskId} is not an open task`, { field: 'taskId' });
  await activity(tx, { organizationId, customerId: rows[0].customer_id, userId }, 'task.done', { taskId, title: rows[0].title });
  return { id: taskId, customerId: rows[0].customer_id };
}
