/**
 * The write-back of a sent reminder (ARCHITECTURE §8), enqueued in the sender's transaction: on each
 * listed invoice a `reminder_sent` note and its `set_dunning_stage`; on the customer's CRM companies
 * the stage property, a timeline note and, for an escalation, an owner task (reminder-crm.ts). Keys are per action and record, so a retried finalize adds nothing.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../../store/index.ts';
import { enqueuePushChange, enqueuePushChanges, type PushChangeInput } from '../changes.ts';
import { enqueueCrmReminderWriteBack } from './reminder-crm.ts';

export interface SentReminder {
  organizationId: string;
  actionId: string;
  customerId: string;
  step: number;
  scenario: string | null;
  template: string | null;
  /** The channel it went by (after any fallback). */
  channel: string;
  /** The day it was sent, in the organization's time zone. */
  date: string;
}

/** "standard#2 reminder-1": the scenario's step and its template. */
export function stageLabel(r: Pick<SentReminder, 'scenario' | 'step' | 'template'>): string {
  return `${r.scenario ?? 'step'}#${r.step}${r.template ? ` ${r.template}` : ''}`;
}

export async function enqueueReminderWriteBack(tx: Tx, r: SentReminder): Promise<number> {
  const stage = stageLabel(r);
  const invoices = await tx.execute<{ id: string; connection_id: string; external_id: string }>(sql`
    SELECT i.id, i.connection_id, i.external_id FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id
     WHERE ai.action_id = ${r.actionId}::uuid ORDER BY i.external_id`);
  let created = 0;
  for (const inv of invoices.rows) {
    const base = { organizationId: r.organizationId, connectionId: inv.connection_id };
    const key = `action:${r.actionId}:${inv.id}`;
    const note = await enqueuePushChange(tx, { ...base, idempotencyKey: `${key}:reminder_sent`,
      change: { kind: 'reminder_sent', invoiceExternalId: inv.external_id, step: stage, channel: r.channel, date: r.date } });
    const field = await enqueuePushChange(tx, { ...base, idempotencyKey: `${key}:set_dunning_stage`,
      change: { kind: 'set_dunning_stage', invoiceExternalId: inv.external_id, stage } });
    created += Number(note.created) + Number(field.created);
  }
  created += await enqueueCrmReminderWriteBack(tx, {
    actionId: r.actionId, organizationId: r.organizationId, customerId: r.customerId, stage, channel: r.channel, date: r.date,
  });
  return created;
}

/**
 * The write-backs of a batch of sent reminders, the same rows as `enqueueReminderWriteBack` for
 * each in turn: the invoices' notes and stages of the whole batch in three statements; the CRM part
 * per reminder, only for the customers that have CRM companies (one query finds them).
 */
export async function enqueueReminderWriteBacks(tx: Tx, reminders: readonly SentReminder[]): Promise<number> {
  if (reminders.length === 0) return 0;
  const ids = reminders.map((r) => r.actionId);
  const { rows: invoices } = await tx.execute<{ action_id: string; id: string; connection_id: string; external_id: string }>(sql`
    SELECT ai.action_id, i.id, i.connection_id, i.external_id FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id
     WHERE ai.action_id = ANY(${`{${ids.join(',')}}`}::uuid[]) ORDER BY i.external_id`);
  const byAction = new Map<string, typeof invoices>();
  for (const inv of invoices) byAction.set(inv.action_id, [...(byAction.get(inv.action_id) ?? []), inv]);
  const changes: PushChangeInput[] = [];
  for (const r of reminders) {
    const stage = stageLabel(r);
    for (const inv of byAction.get(r.actionId) ?? []) {
      const base = { organizationId: r.organizationId, connectionId: inv.connection_id };
      const key = `action:${r.actionId}:${inv.id}`;
      changes.push({ ...base, idempotencyKey: `${key}:reminder_sent`,
        change: { kind: 'reminder_sent', invoiceExternalId: inv.external_id, step: stage, channel: r.channel, date: r.date } });
      changes.push({ ...base, idempotencyKey: `${key}:set_dunning_stage`, change: { kind: 'set_dunning_stage', invoiceExternalId: inv.external_id, stage } });
    }
  }
  let created = await enqueuePushChanges(tx, changes);
  const { rows: withCompanies } = await tx.execute<{ customer_id: string }>(sql`
    SELECT DISTINCT customer_id FROM customer_external_refs WHERE customer_id = ANY(${`{${[...new Set(reminders.map((r) => r.customerId))].join(',')}}`}::uuid[]) AND kind = 'company'`);
  const crm = new Set(withCompanies.map((c) => c.customer_id));
  for (const r of reminders) {
    if (!crm.has(r.customerId)) continue;
    created += await enqueueCrmReminderWriteBack(tx, {
      actionId: r.actionId, organizationId: r.organizationId, customerId: r.customerId, stage: stageLabel(r), channel: r.channel, date: r.date,
    });
  }
  return created;
}
