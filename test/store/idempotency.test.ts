import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { actions, customers, outbox } from '../../core/store/schema/index.ts';
import { seedConnection } from './fixtures.ts';

let t: TestDatabase;
let organizationId: string;
let connectionId: string;
let customerId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ organizationId, connectionId } = await seedConnection(t.db));
  const [c] = await t.db
    .insert(customers)
    .values({ organizationId, connectionId, externalId: 'C1', name: 'Dupont' })
    .returning({ id: customers.id });
  customerId = c!.id;
});
afterAll(async () => {
  await t?.drop();
});

/** The PostgreSQL error under drizzle's wrapper. */
const pgCode = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
    return undefined;
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    return err.cause?.code ?? err.code;
  }
};

describe('idempotency keys', () => {
  it('refuse a second action with the same key', async () => {
    const action = {
      organizationId, customerId, step: 2, channel: 'email' as const, template: 'reminder-1',
      idempotencyKey: 'standard:C1:2:I1', scheduledFor: '2026-02-11',
    };
    await t.db.insert(actions).values(action);
    expect(await pgCode(t.db.insert(actions).values({ ...action, step: 3 }))).toBe('23505');
    // ON CONFLICT DO NOTHING is how a planner re-run stays silent: still one row.
    await t.db.insert(actions).values(action).onConflictDoNothing();
    expect(await t.db.select().from(actions).where(eq(actions.idempotencyKey, action.idempotencyKey))).toHaveLength(1);
  });

  it('refuse a second outbox row with the same key', async () => {
    const change = {
      organizationId, connectionId, kind: 'set-dunning-stage', entity: 'invoice', externalId: '130',
      payload: { stage: 'reminder-1' }, idempotencyKey: 'qbo:130:stage:reminder-1',
    };
    const [row] = await t.db.insert(outbox).values(change).returning();
    expect([row!.status, row!.attempts]).toEqual(['pending', 0]);
    expect(await pgCode(t.db.insert(outbox).values({ ...change, payload: { stage: 'other' } }))).toBe('23505');
    expect(await t.db.select().from(outbox)).toHaveLength(1);
  });

  it('refuse an action status outside the enum', async () => {
    const bad = t.db.execute(
      `INSERT INTO actions (organization_id, customer_id, step, channel, status, idempotency_key, scheduled_for)
       VALUES ('${organizationId}', '${customerId}', 1, 'email', 'delivered', 'k-bad', '2026-01-01')`,
    );
    expect(await pgCode(bad)).toBe('22P02');
  });
});
