/** Rows the store tests start from: an organization with one connection. */
import { connections, organizations } from '../../core/store/schema/index.ts';
import type { Db } from '../../core/store/db.ts';

export async function seedConnection(db: Db, account = 'realm-1'): Promise<{ organizationId: string; connectionId: string }> {
  const [org] = await db
    .insert(organizations)
    .values({ name: `Atelier ${account}`, baseCurrency: 'EUR', country: 'FR', timezone: 'Europe/Paris' })
    .returning({ id: organizations.id });
  const [conn] = await db
    .insert(connections)
    .values({ organizationId: org!.id, provider: 'quickbooks', externalAccountId: account })
    .returning({ id: connections.id });
  return { organizationId: org!.id, connectionId: conn!.id };
}

/** An invoice as the mapping engine prints it. */
export function invoice(externalId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    entity: 'invoice',
    externalId,
    number: `F-${externalId}`,
    customerExternalId: 'C1',
    issueDate: '2026-01-05',
    dueDate: '2026-02-04',
    currency: 'EUR',
    total: '1200.00',
    balance: '1200.00',
    status: 'open',
    updatedAt: '2026-01-05T10:00:00Z',
    ...overrides,
  };
}

export function customer(externalId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    entity: 'customer',
    externalId,
    name: `Customer ${externalId}`,
    email: `${externalId.toLowerCase()}@example.com`,
    phone: null,
    currency: 'EUR',
    balance: '0.00',
    country: 'FR',
    language: 'fr',
    taxId: null,
    active: true,
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}
