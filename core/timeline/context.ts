/** What the sentences of one page of a customer's timeline need, looked up in three queries. */
import { sql } from 'drizzle-orm';
import type { Executor } from '../store/index.ts';
import { describeActivity, type ActionFacts, type ActivityIn, type DisputeFacts, type Language, type Sentence } from './sentences.ts';

/** The activities with their sentences in `language`. */
export async function describeTimeline(db: Executor, customerId: string, activities: readonly ActivityIn[], language: Language): Promise<Sentence[]> {
  const userIds = [...new Set(activities.map((a) => a.actor).filter((x) => x.startsWith('user:')).map((x) => x.slice(5)))].filter((x) => /^[0-9a-f-]{36}$/.test(x));
  const actionIds = [...new Set(activities.map((a) => a.payload?.actionId).filter((x): x is string => typeof x === 'string' && /^[0-9a-f-]{36}$/.test(x)))];
  const users = new Map<string, string>();
  if (userIds.length) {
    const { rows } = await db.execute<{ id: string; name: string }>(sql`SELECT id, coalesce(display_name, email) AS name FROM users WHERE id = ANY(${sql.param(userIds)}::uuid[])`);
    for (const r of rows) users.set(r.id, r.name);
  }
  const actions = new Map<string, ActionFacts>();
  if (actionIds.length) {
    const { rows } = await db.execute<{ id: string; step: number; channel: string; template: string | null; invoices: string[] }>(sql`
      SELECT a.id, a.step, a.channel::text, a.template,
             coalesce(array_agg(coalesce(i.number, i.external_id) ORDER BY i.due_date, i.number) FILTER (WHERE i.id IS NOT NULL), '{}') AS invoices
        FROM actions a LEFT JOIN action_invoices ai ON ai.action_id = a.id LEFT JOIN invoices i ON i.id = ai.invoice_id
       WHERE a.id = ANY(${sql.param(actionIds)}::uuid[]) GROUP BY a.id`);
    for (const r of rows) actions.set(r.id, { step: r.step, channel: r.channel, template: r.template, invoices: r.invoices });
  }
  const { rows: disputeRows } = await db.execute<{ id: string; opened_via: string; opened_at: Date; invoices: string[] }>(sql`
    SELECT d.id, d.opened_via, d.opened_at,
           coalesce(array_agg(coalesce(i.number, i.external_id) ORDER BY i.number) FILTER (WHERE i.id IS NOT NULL), '{}') AS invoices
      FROM disputes d LEFT JOIN dispute_invoices di ON di.dispute_id = d.id LEFT JOIN invoices i ON i.id = di.invoice_id
     WHERE d.customer_id = ${customerId}::uuid GROUP BY d.id ORDER BY d.opened_at DESC LIMIT 200`);
  const disputes = new Map<string, DisputeFacts>();
  const newestFirst: DisputeFacts[] = [];
  for (const r of disputeRows) {
    const facts = { invoices: r.invoices, openedVia: r.opened_via, openedAt: new Date(r.opened_at).toISOString() };
    disputes.set(r.id, facts);
    newestFirst.push(facts);
  }
  const ctx = { language, users, actions, disputes, disputesNewestFirst: newestFirst };
  return activities.map((a) => describeActivity(a, ctx));
}
