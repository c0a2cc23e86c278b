/**
 * A reminder sent for a customer linked to a HubSpot company writes back to the company: the stage
 * property and a timeline note (step, channel, invoice numbers, amount due); an escalation step
 * also queues a task for the company's owner. Real store, real planner and sender; only the email
 * channel records instead of sending.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOrganization } from '../../core/agenda/index.ts';
import type { EmailMessage, LetterMessage } from '../../core/channels/index.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { pushChangeSchema } from '../../core/outbox/push-change.ts';
import { saveScenario } from '../../core/scenarios/index.ts';
import { sendDueActions, type SendDeps } from '../../core/sending/index.ts';
import { connections, crmRecords, customerExternalRefs } from '../../core/store/schema/index.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';
import { RecordingChannel } from '../sending/recording-channel.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

// Monday 2 March 2026, 11:00 in Paris: inside the default sending hours.
const MONDAY_11H = new Date('2026-03-02T10:00:00Z');

const deps: SendDeps = {
  channels: { email: new RecordingChannel<EmailMessage>('email'), letter: new RecordingChannel<LetterMessage>('letter') },
  render: (i) => renderMessage(i), workerId: 'w-crm',
};

type OutboxRow = { kind: string; connection_id: string; external_id: string; payload: Record<string, unknown> };

/** A customer with two overdue invoices, linked to HubSpot company 42 (owned by `owner`, if any). */
async function linkedCustomer(f: OrgFixture, owner: string | null): Promise<{ hubspot: string }> {
  const [hub] = await t.db.insert(connections).values({ organizationId: f.organizationId, provider: 'hubspot', externalAccountId: `portal-${f.organizationId}` })
    .returning({ id: connections.id });
  const customerId = await addCustomer(t.db, f, { name: 'Acme SARL' });
  await addInvoice(t.db, f, customerId, { dueDate: '2026-02-20', number: 'F-2026-011', total: 100000n });
  await addInvoice(t.db, f, customerId, { dueDate: '2026-02-21', number: 'F-2026-012', total: 25050n });
  await t.db.insert(customerExternalRefs).values({ customerId, connectionId: hub!.id, kind: 'company', externalId: '42', matchedBy: 'domain' });
  await t.db.insert(crmRecords).values({ organizationId: f.organizationId, connectionId: hub!.id, objectType: 'company', externalId: '42', name: 'Acme', ownerExternalId: owner });
  return { hubspot: hub!.id };
}

/** The day the sender recorded (today in the organization's zone): the invoice notes carry it too. */
function sentDay(rows: readonly OutboxRow[]): string {
  return String(rows.find((r) => r.kind === 'reminder_sent')!.payload.date);
}

async function sendAll(f: OrgFixture): Promise<OutboxRow[]> {
  await runOrganization(t.db, { organizationId: f.organizationId, asOf: '2026-03-02' });
  expect(await sendDueActions(t.db, deps, { now: MONDAY_11H, organizationId: f.organizationId })).toMatchObject({ claimed: 1, outcomes: { sent: 1 } });
  const { rows } = await t.db.execute<OutboxRow>(sql`
    SELECT kind, connection_id::text, external_id, payload FROM outbox WHERE organization_id = ${f.organizationId} ORDER BY seq`);
  // Every row is a change the push job can parse.
  for (const r of rows) expect(pushChangeSchema.safeParse({ kind: r.kind, ...r.payload }).success).toBe(true);
  return rows;
}

describe('reminder write-back to a linked CRM company', () => {
  it('an email reminder queues the stage and one timeline note on the company, no task', async () => {
    const f = await seedOrganization(t.db);
    const { hubspot } = await linkedCustomer(f, '501');
    const rows = await sendAll(f);
    const day = sentDay(rows);
    const crm = rows.filter((r) => r.connection_id === hubspot);
    expect(crm.map((r) => r.kind)).toEqual(['set_company_properties', 'add_company_note']);
    const note = crm[1]!;
    expect(note.external_id).toBe('42');
    expect(note.payload.companyExternalId).toBe('42');
    expect(note.payload.body).toBe(`Relance: reminder "standard#2 reminder-1" sent by email on ${day}. Invoices: F-2026-011, F-2026-012. Amount due: 1250.50 EUR.`);
    expect(Date.parse(String(note.payload.timestamp))).toBeGreaterThan(0);
    // The accounting connection still gets its invoice-level rows.
    expect(rows.filter((r) => r.connection_id === f.connectionId).map((r) => r.kind).sort()).toEqual(
      ['reminder_sent', 'reminder_sent', 'set_dunning_stage', 'set_dunning_stage']);
  });

  it('an escalation step also queues a task for the company owner, due the day it was reached', async () => {
    const f = await seedOrganization(t.db);
    await saveScenario(t.db, f.organizationId, { name: 'standard', steps: [{ offsetDays: 7, action: 'escalate', template: 'collections-agency' }] });
    const { hubspot } = await linkedCustomer(f, '501');
    const rows = await sendAll(f);
    const day = sentDay(rows);
    const crm = rows.filter((r) => r.connection_id === hubspot);
    expect(crm.map((r) => r.kind)).toEqual(['set_company_properties', 'add_company_note', 'create_owner_task']);
    expect(crm[2]!.payload).toEqual({
      companyExternalId: '42', subject: 'Relance Escalation: Acme', dueDate: day, ownerExternalId: '501',
      body: `Relance: step "standard#1 collections-agency" (escalate) reached on ${day}. Invoices: F-2026-011, F-2026-012. Amount due: 1250.50 EUR.`,
    });
  });

  it('a company with no known owner gets an unassigned task', async () => {
    const f = await seedOrganization(t.db);
    await saveScenario(t.db, f.organizationId, { name: 'standard', steps: [{ offsetDays: 7, action: 'call', template: 'call-script' }] });
    const { hubspot } = await linkedCustomer(f, null);
    const task = (await sendAll(f)).find((r) => r.connection_id === hubspot && r.kind === 'create_owner_task');
    expect(task?.payload).toMatchObject({ subject: 'Relance Call: Acme', ownerExternalId: null });
  });
});
