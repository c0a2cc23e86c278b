/**
 * The CRM side of a sent reminder (ARCHITECTURE §8): on each CRM company linked to the customer,
 * the stage property, a timeline note saying what went out, and for a step done by a person
 * (escalate, task, call) a task for the company's owner. Keys are per action and company, so a
 * retried finalize adds nothing.
 */
import { sql } from 'drizzle-orm';
import { formatMinor } from '../../money.ts';
import type { Tx } from '../../store/index.ts';
import { enqueuePushChange } from '../changes.ts';

/** Steps that are work for a person rather than a message: the company owner gets a task. */
const PERSON_STEPS: ReadonlySet<string> = new Set(['escalate', 'task', 'call']);

export interface ReminderFacts {
  actionId: string;
  organizationId: string;
  customerId: string;
  /** The step's label ("standard#2 reminder-1"). */
  stage: string;
  /** The channel it went by (after any fallback), or the step's action for a person's step. */
  channel: string;
  /** The day it was sent, in the organization's time zone: a task is due that day. */
  date: string;
}

interface ActionSummary {
  stepAction: string;
  customerName: string;
  sentAt: string;
  numbers: string[];
  amountDue: string;
}

/** "1250.00 EUR", or one figure per currency when the listed invoices mix them. */
function amountText(actionMinor: string | null, actionCurrency: string | null, invoices: readonly { currency: string; balance: string }[]): string {
  if (actionMinor !== null && actionCurrency) return `${formatMinor(BigInt(actionMinor), actionCurrency)} ${actionCurrency}`;
  const sums = new Map<string, bigint>();
  for (const i of invoices) sums.set(i.currency, (sums.get(i.currency) ?? 0n) + BigInt(i.balance));
  return [...sums].map(([c, m]) => `${formatMinor(m, c)} ${c}`).join(' + ') || 'nothing';
}

async function summarize(tx: Tx, actionId: string): Promise<ActionSummary> {
  // now() is the transaction's time: the same instant as the action's sent_at.
  const { rows: [a] } = await tx.execute<{ step_action: string; customer_name: string; sent_at: string; amount: string | null; currency: string | null }>(sql`
    SELECT a.channel::text AS step_action, c.name AS customer_name, to_json(now())#>>'{}' AS sent_at,
           a.amount_due_minor::text AS amount, a.currency
      FROM actions a JOIN customers c ON c.id = a.customer_id WHERE a.id = ${actionId}::uuid`);
  const { rows: invoices } = await tx.execute<{ number: string; currency: string; balance: string }>(sql`
    SELECT coalesce(i.number, i.external_id) AS number, i.currency, i.balance_minor::text AS balance
      FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id
     WHERE ai.action_id = ${actionId}::uuid ORDER BY i.due_date, i.external_id`);
  return {
    stepAction: a!.step_action, customerName: a!.customer_name, sentAt: new Date(a!.sent_at).toISOString(),
    numbers: invoices.map((i) => i.number), amountDue: amountText(a!.amount, a!.currency, invoices),
  };
}

function noteBody(r: ReminderFacts, s: ActionSummary): string {
  const what = PERSON_STEPS.has(s.stepAction) ? `step "${r.stage}" (${s.stepAction}) reached` : `reminder "${r.stage}" sent by ${r.channel}`;
  return `Relance: ${what} on ${r.date}. Invoices: ${s.numbers.join(', ') || 'none'}. Amount due: ${s.amountDue}.`;
}

export async function enqueueCrmReminderWriteBack(tx: Tx, r: ReminderFacts): Promise<number> {
  const { rows: companies } = await tx.execute<{ id: string; connection_id: string; external_id: string; owner: string | null; name: string | null }>(sql`
    SELECT ref.id, ref.connection_id, ref.external_id, cr.owner_external_id AS owner, cr.name
      FROM customer_external_refs ref
      LEFT JOIN crm_records cr ON cr.connection_id = ref.connection_id AND cr.object_type = 'company' AND cr.external_id = ref.external_id
     WHERE ref.customer_id = ${r.customerId}::uuid AND ref.kind = 'company' ORDER BY ref.external_id`);
  if (companies.length === 0) return 0;
  const s = await summarize(tx, r.actionId);
  const body = noteBody(r, s);
  let created = 0;
  for (const ref of companies) {
    const base = { organizationId: r.organizationId, connectionId: ref.connection_id };
    const key = `action:${r.actionId}:company:${ref.id}`;
    const results = [
      await enqueuePushChange(tx, { ...base, idempotencyKey: key,
        change: { kind: 'set_company_properties', companyExternalId: ref.external_id, properties: { stage: r.stage } } }),
      await enqueuePushChange(tx, { ...base, idempotencyKey: `${key}:add_company_note`,
        change: { kind: 'add_company_note', companyExternalId: ref.external_id, body, timestamp: s.sentAt } }),
    ];
    if (PERSON_STEPS.has(s.stepAction)) {
      const label = s.stepAction === 'escalate' ? 'Escalation' : s.stepAction === 'call' ? 'Call' : 'Follow-up';
      results.push(await enqueuePushChange(tx, { ...base, idempotencyKey: `${key}:create_owner_task`,
        change: {
          kind: 'create_owner_task', companyExternalId: ref.external_id, subject: `Relance ${label}: ${ref.name ?? s.customerName}`,
          body, dueDate: r.date, ownerExternalId: ref.owner,
        } }));
    }
    created += results.filter((x) => x.created).length;
  }
  return created;
}
