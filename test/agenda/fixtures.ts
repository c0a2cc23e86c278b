/** Store rows for the dunning tests: an organization, customers and invoices, written directly. */
import { randomUUID } from 'node:crypto';
import { connections, customers, invoices, organizations } from '../../core/store/schema/index.ts';
import type { Db } from '../../core/store/db.ts';
import type { LatePaymentPolicy, SendingHours } from '../../core/store/schema/organizations.ts';
import { installDefaultScenarios, saveScenario } from '../../core/scenarios/index.ts';

export interface OrgFixture {
  organizationId: string;
  connectionId: string;
}

export async function seedOrganization(
  db: Db,
  opts: { timezone?: string; businessDaysOnly?: boolean; latePayment?: LatePaymentPolicy; sendingHours?: SendingHours; scenarios?: 'defaults' | 'simple' } = {},
): Promise<OrgFixture> {
  const [org] = await db
    .insert(organizations)
    .values({
      name: 'Atelier Dupont SAS', baseCurrency: 'EUR', country: 'FR', timezone: opts.timezone ?? 'Europe/Paris',
      businessDaysOnly: opts.businessDaysOnly ?? false, latePaymentPolicy: opts.latePayment ?? { policy: 'NONE' },
      ...(opts.sendingHours && { sendingHours: opts.sendingHours }),
    })
    .returning({ id: organizations.id });
  const [conn] = await db
    .insert(connections)
    .values({ organizationId: org!.id, provider: 'quickbooks', externalAccountId: `realm-${randomUUID()}` })
    .returning({ id: connections.id });
  if (opts.scenarios === 'defaults') await installDefaultScenarios(db, org!.id);
  else await saveScenario(db, org!.id, SIMPLE_SCENARIO);
  return { organizationId: org!.id, connectionId: conn!.id };
}

/** The FORMATS.md example scenario. */
export const SIMPLE_SCENARIO = {
  name: 'standard',
  steps: [
    { offsetDays: -3, action: 'email', template: 'courtesy' },
    { offsetDays: 7, action: 'email', template: 'reminder-1' },
    { offsetDays: 21, action: 'email', template: 'reminder-2', requiresApproval: true },
    { offsetDays: 45, action: 'letter', template: 'formal-notice' },
  ],
};

export async function addCustomer(
  db: Db,
  f: OrgFixture,
  values: Partial<typeof customers.$inferInsert> = {},
): Promise<string> {
  const externalId = values.externalId ?? `C-${randomUUID().slice(0, 8)}`;
  const [row] = await db
    .insert(customers)
    .values({
      organizationId: f.organizationId, connectionId: f.connectionId, externalId, name: `Customer ${externalId}`,
      email: `${externalId.toLowerCase()}@example.com`, currency: 'EUR', country: 'FR', language: 'fr', ...values,
    })
    .returning({ id: customers.id });
  return row!.id;
}

export async function addInvoice(
  db: Db,
  f: OrgFixture,
  customerId: string,
  values: { dueDate: string; total?: bigint; balance?: bigint; number?: string; disputed?: boolean; status?: 'open' | 'paid' },
): Promise<string> {
  const total = values.total ?? 120000n;
  const [row] = await db
    .insert(invoices)
    .values({
      organizationId: f.organizationId, connectionId: f.connectionId, externalId: `I-${randomUUID().slice(0, 8)}`,
      customerExternalId: 'x', customerId, number: values.number ?? `F-${randomUUID().slice(0, 6)}`,
      issueDate: '2026-01-05', dueDate: values.dueDate, currency: 'EUR', totalMinor: total,
      balanceMinor: values.balance ?? total, status: values.status ?? 'open', disputed: values.disputed ?? false,
    })
    .returning({ id: invoices.id });
  return row!.id;
}
