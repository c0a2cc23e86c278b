/**
 * A small world for admin API tests on a real PostgreSQL: two organizations (A and B), each with a
 * connection, customers and invoices, and in A one user per role plus a restricted collector; in
 * B one admin. Every user gets an API key, so tests call as any of them with `as(name)`.
 */
import { parseKeyRing, generateKeySpec, type KeyRing } from '../../core/crypto.ts';
import { createApiKey, createUser, grantMembership, assignCustomers, type Role } from '../../core/access/index.ts';
import { createLogger } from '../../core/logging.ts';
import { connections, customers, invoices, organizations } from '../../core/store/schema/index.ts';
import { buildServer } from '../../server/app.ts';
import type { ProviderApps } from '../../server/oauth/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';

/** Tests hash many passwords: a cheap cost here, the real one is tested in test/access. */
export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
export const PASSWORD = 'correct horse battery staple';

export type UserName = 'adminA' | 'collectorA' | 'viewerA' | 'restrictedA' | 'adminB';

export interface World {
  db: TestDatabase;
  app: FastifyInstance;
  keys: KeyRing;
  orgA: string;
  orgB: string;
  connA: string;
  connB: string;
  /** Customers of A: alpha (assigned to restrictedA), beta; of B: gamma. */
  customers: { alpha: string; beta: string; gamma: string };
  invoices: { alpha1: string; beta1: string; gamma1: string };
  users: Record<UserName, { id: string; email: string; apiKey: string }>;
  /** Headers that authenticate as one user (their API key). */
  as(name: UserName): { authorization: string };
  close(): Promise<void>;
}

const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });

async function seedOrganization(db: TestDatabase, name: string, country: string) {
  const [org] = await db.db.insert(organizations).values({ name, baseCurrency: 'EUR', country, locale: country === 'FR' ? 'fr' : 'en' }).returning();
  const [conn] = await db.db.insert(connections).values({ organizationId: org!.id, provider: 'quickbooks', externalAccountId: `realm-${name}` }).returning();
  return { orgId: org!.id, connId: conn!.id };
}

async function seedCustomer(db: TestDatabase, orgId: string, connId: string, externalId: string, name: string, language: string | null) {
  const [c] = await db.db.insert(customers).values({ organizationId: orgId, connectionId: connId, externalId, name, email: `${externalId}@example.com`, currency: 'EUR', language }).returning();
  const [i] = await db.db
    .insert(invoices)
    .values({
      organizationId: orgId, connectionId: connId, externalId: `INV-${externalId}`, customerExternalId: externalId, customerId: c!.id, currency: 'EUR',
      number: `F-${externalId}`, issueDate: '2026-01-05', dueDate: '2026-02-04', totalMinor: 120000n, balanceMinor: 100000n, status: 'open',
      raw: { Id: externalId, InvoiceLink: `https://pay.example.com/${externalId}` },
    })
    .returning();
  return { customerId: c!.id, invoiceId: i!.id };
}

async function seedUser(db: TestDatabase, email: string, orgId: string, role: Role, assignedOnly = false) {
  const user = await createUser(db.db, { email, password: PASSWORD, scrypt: TEST_SCRYPT });
  await grantMembership(db.db, { userId: user.id, organizationId: orgId, role, assignedOnly });
  const key = await createApiKey(db.db, { userId: user.id, name: 'test' });
  return { id: user.id, email, apiKey: key.key };
}

/** A QuickBooks app whose URLs nothing here calls: a connect only builds the consent URL. */
export const TEST_PROVIDER_APPS: ProviderApps = {
  quickbooks: {
    clientId: 'qb-client', clientSecret: 'qb-secret', authorizeUrl: 'https://appcenter.example/connect/oauth2',
    tokenUrl: 'https://oauth.example/tokens/bearer', apiUrl: 'https://quickbooks.example', webhookKey: null,
  },
};

export async function createWorld(options: { publicUrl?: string; providerApps?: ProviderApps } = {}): Promise<World> {
  const db = await createTestDatabase();
  const keys = parseKeyRing(generateKeySpec());
  const a = await seedOrganization(db, 'Atelier A', 'FR');
  const b = await seedOrganization(db, 'Bureau B', 'GB');
  const alpha = await seedCustomer(db, a.orgId, a.connId, 'C-ALPHA', 'Alpha SARL', 'fr');
  const beta = await seedCustomer(db, a.orgId, a.connId, 'C-BETA', 'Beta SAS', null);
  const gamma = await seedCustomer(db, b.orgId, b.connId, 'C-GAMMA', 'Gamma Ltd', 'en');
  const users = {
    adminA: await seedUser(db, 'admin@a.example', a.orgId, 'admin'),
    collectorA: await seedUser(db, 'collector@a.example', a.orgId, 'collector'),
    viewerA: await seedUser(db, 'viewer@a.example', a.orgId, 'viewer'),
    restrictedA: await seedUser(db, 'restricted@a.example', a.orgId, 'collector', true),
    adminB: await seedUser(db, 'admin@b.example', b.orgId, 'admin'),
  };
  await assignCustomers(db.db, a.orgId, users.restrictedA.id, [alpha.customerId]);
  const app = buildServer({ pool: db.pool, storeMode: 'postgres', worker: null, logger: silent, keys, publicUrl: options.publicUrl ?? null, providerApps: options.providerApps ?? TEST_PROVIDER_APPS });
  await app.ready();
  return {
    db, app, keys,
    orgA: a.orgId, orgB: b.orgId, connA: a.connId, connB: b.connId,
    customers: { alpha: alpha.customerId, beta: beta.customerId, gamma: gamma.customerId },
    invoices: { alpha1: alpha.invoiceId, beta1: beta.invoiceId, gamma1: gamma.invoiceId },
    users,
    as: (name) => ({ authorization: `Bearer ${users[name].apiKey}` }),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** Audit rows of an organization (every activity a user caused: `audit.*` and the cores' own), newest first. */
export async function auditKinds(world: World, orgId: string): Promise<{ kind: string; actor: string }[]> {
  const { rows } = await world.db.pool.query<{ kind: string; actor: string }>(
    `SELECT kind, actor FROM activities WHERE organization_id = $1 AND (kind LIKE 'audit.%' OR actor LIKE 'user:%') ORDER BY occurred_at DESC`,
    [orgId],
  );
  return rows;
}

/**
 * Gives A's customers the raw QuickBooks records a sync would have kept (the mapping editor's
 * samples): DisplayName and CompanyName differ, so mapping `name` from another field shows.
 */
export async function seedRawCustomers(world: World): Promise<void> {
  const raws: [string, Record<string, unknown>][] = [
    ['C-ALPHA', { Id: 'C-ALPHA', DisplayName: 'Alpha SARL', CompanyName: 'Alpha Holding', PrimaryEmailAddr: { Address: 'c-alpha@example.com' }, CurrencyRef: { value: 'EUR' }, Balance: 1000, Active: true }],
    ['C-BETA', { Id: 'C-BETA', DisplayName: 'Beta SAS', CompanyName: 'Beta Group', PrimaryEmailAddr: { Address: 'c-beta@example.com' }, CurrencyRef: { value: 'EUR' }, Balance: 1000, Active: true }],
  ];
  for (const [externalId, raw] of raws) {
    await world.db.pool.query('UPDATE customers SET raw = $1 WHERE connection_id = $2 AND external_id = $3', [raw, world.connA, externalId]);
  }
}

/**
 * A QuickBooks payment of Beta's, 1,000.00 EUR applied to nothing, its memo naming Beta's invoice:
 * unapplied money that core/unapplied suggests applying to F-C-BETA. Returns the payment's id.
 */
export async function seedUnappliedPayment(world: World): Promise<string> {
  const { rows } = await world.db.pool.query<{ id: string }>(
    `INSERT INTO payments (organization_id, connection_id, external_id, customer_external_id, customer_id, currency, date, amount_minor, unapplied_minor, reference)
     VALUES ($1, $2, 'PAY-BETA-1', 'C-BETA', $3, 'EUR', '2026-02-10', 100000, 100000, 'F-C-BETA') RETURNING id`,
    [world.orgA, world.connA, world.customers.beta],
  );
  return rows[0]!.id;
}
