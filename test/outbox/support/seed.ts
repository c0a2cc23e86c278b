/** An organization with one connection, the start of every outbox test. */
import { connections, organizations } from '../../../core/store/schema/index.ts';
import type { Db } from '../../../core/store/index.ts';

export async function seedConnection(db: Db, provider: 'quickbooks' | 'xero' | 'hubspot' = 'xero'): Promise<{ organizationId: string; connectionId: string }> {
  const [org] = await db
    .insert(organizations)
    .values({ name: 'Atelier Outbox', baseCurrency: 'EUR', country: 'FR' })
    .returning({ id: organizations.id });
  const [conn] = await db
    .insert(connections)
    .values({ organizationId: org!.id, provider, externalAccountId: `acct-${org!.id.slice(0, 8)}` })
    .returning({ id: connections.id });
  return { organizationId: org!.id, connectionId: conn!.id };
}
