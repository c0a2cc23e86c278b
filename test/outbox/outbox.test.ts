/** The write-back outbox on a real PostgreSQL, pushing over HTTP to a nock'd provider. */
import nock from 'nock';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { constant } from '../../core/http/index.ts';
import {
  enqueueChange, listParked, outboxCounts, pushDueChanges, retryParked, type ChangeInput,
} from '../../core/outbox/index.ts';
import { httpPusher } from './support/http-pusher.ts';
import { seedConnection } from './support/seed.ts';

const PROVIDER = 'http://provider.test';
let t: TestDatabase;
let ids: { organizationId: string; connectionId: string };

beforeAll(async () => {
  t = await createTestDatabase();
  nock.disableNetConnect();
});
afterAll(async () => {
  nock.enableNetConnect();
  await t.drop();
});
beforeEach(async () => {
  await t.db.execute(sql`TRUNCATE organizations CASCADE`);
  ids = await seedConnection(t.db);
});
afterEach(() => nock.cleanAll());

function change(key: string, over: Partial<ChangeInput> = {}): ChangeInput {
  return { ...ids, kind: 'add-note', entity: 'invoice', externalId: 'INV-1', payload: { text: key }, idempotencyKey: key, ...over };
}

async function enqueue(...changes: ChangeInput[]): Promise<void> {
  await t.db.transaction(async (tx) => {
    for (const c of changes) await enqueueChange(tx, c);
  });
}

async function statusOf(key: string): Promise<{ status: string; attempts: number; last_error: Record<string, unknown> | null }> {
  const { rows } = await t.db.execute<{ status: string; attempts: number; last_error: Record<string, unknown> | null }>(
    sql`SELECT status::text, attempts, last_error FROM outbox WHERE idempotency_key = ${key}`,
  );
  return rows[0]!;
}

const push = (over: Partial<Parameters<typeof pushDueChanges>[1]> = {}) =>
  pushDueChanges(t.db, { resolvePusher: () => httpPusher(PROVIDER), backoff: constant(0, 100), ...over });

describe('enqueueChange', () => {
  it('writes nothing when the caller rolls back, and once when it enqueues one key twice', async () => {
    await t.db
      .transaction(async (tx) => {
        await enqueueChange(tx, change('k-rolled-back'));
        throw new Error('the state change failed');
      })
      .catch(() => {});
    const first = await t.db.transaction((tx) => enqueueChange(tx, change('k1')));
    const again = await t.db.transaction((tx) => enqueueChange(tx, change('k1', { payload: { text: 'other' } })));
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false, superseded: 0 });
    expect(await outboxCounts(t.db, ids.organizationId)).toMatchObject({ pending: 1 });
  });

  it('coalesces successive pending changes to one field of one record, not other fields or records', async () => {
    await enqueue(
      change('s1', { kind: 'set-dunning-stage', field: 'relance_stage', payload: { stage: 1 } }),
      change('n1', { kind: 'add-note', payload: { text: 'reminder 1 sent' } }),
      change('s2', { kind: 'set-dunning-stage', field: 'relance_stage', payload: { stage: 2 } }),
      change('other', { kind: 'set-dunning-stage', externalId: 'INV-2', field: 'relance_stage', payload: { stage: 1 } }),
    );
    const seen: { path: string; body: unknown }[] = [];
    nock(PROVIDER)
      .post(/\/changes\/invoice\/.*/)
      .times(3)
      .reply(200, function (uri, body) {
        seen.push({ path: uri, body });
        return {};
      });
    const report = await push();
    expect(report.pushed).toBe(3);
    expect((await statusOf('s1')).status).toBe('superseded');
    // INV-1 in enqueue order without the superseded stage 1: the note, then stage 2.
    expect(seen.filter((s) => s.path.endsWith('INV-1')).map((s) => s.body)).toEqual([
      { kind: 'add-note', field: null, payload: { text: 'reminder 1 sent' } },
      { kind: 'set-dunning-stage', field: 'relance_stage', payload: { stage: 2 } },
    ]);
    expect(seen.filter((s) => s.path.endsWith('INV-2')).map((s) => s.body)).toEqual([
      { kind: 'set-dunning-stage', field: 'relance_stage', payload: { stage: 1 } },
    ]);
  });

  it('refuses a change with no connection, naming the field', async () => {
    await expect(t.db.transaction((tx) => enqueueChange(tx, change('bad', { connectionId: 'nope' })))).rejects.toThrow(
      /connectionId/,
    );
  });
});

describe('pushDueChanges', () => {
  it('sends the idempotency key and marks the row done', async () => {
    await enqueue(change('k-done'));
    const scope = nock(PROVIDER, { reqheaders: { 'idempotency-key': 'k-done' } }).post('/changes/invoice/INV-1').reply(200, {});
    const report = await push();
    expect(report).toMatchObject({ pushed: 1, retried: 0, parked: 0 });
    expect(scope.isDone()).toBe(true);
    expect(await statusOf('k-done')).toMatchObject({ status: 'done', attempts: 1, last_error: null });
  });

  it('keeps a later change of a record waiting while an earlier one is retrying', async () => {
    await enqueue(change('first'), change('second'));
    nock(PROVIDER).post('/changes/invoice/INV-1').reply(503, { message: 'down for maintenance' });
    const report = await push({ backoff: constant(60_000, 10) });
    expect(report.items.map((i) => [i.idempotencyKey, i.outcome])).toEqual([['first', 'retry']]);
    expect(await statusOf('first')).toMatchObject({ status: 'pending', attempts: 1, last_error: { code: 'transient' } });
    expect((await statusOf('second')).status).toBe('pending');
  });

  it("waits the provider's Retry-After on a 429", async () => {
    await enqueue(change('limited'));
    nock(PROVIDER).post('/changes/invoice/INV-1').reply(429, {}, { 'retry-after': '120' });
    await push();
    const { rows } = await t.db.execute<{ wait: string }>(
      sql`SELECT round(extract(epoch FROM next_attempt_at - now()))::text AS wait FROM outbox WHERE idempotency_key = 'limited'`,
    );
    expect(Number(rows[0]!.wait)).toBeGreaterThan(110);
    expect(Number(rows[0]!.wait)).toBeLessThanOrEqual(120);
  });

  it('parks a row after N failed attempts with the provider error; the record waits; an admin retry pushes it', async () => {
    await enqueue(change('flaky'), change('after-flaky'));
    nock(PROVIDER).post('/changes/invoice/INV-1').times(3).reply(500, { message: 'internal error 42' });
    const report = await push({ maxAttempts: 3 });
    expect(report.items.map((i) => i.outcome)).toEqual(['retry', 'retry', 'parked']);
    const parked = await listParked(t.db, ids.organizationId);
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ attempts: 3, lastError: { code: 'transient', attempt: 3 } });
    expect(JSON.stringify(parked[0]!.lastError)).toContain('internal error 42');
    // The parked row holds back the next change of its record: order per record is never broken.
    expect((await push()).items).toEqual([]);

    await retryParked(t.db, parked[0]!.id);
    nock(PROVIDER).post('/changes/invoice/INV-1').times(2).reply(200, {});
    expect((await push()).items.map((i) => [i.idempotencyKey, i.outcome])).toEqual([
      ['flaky', 'pushed'],
      ['after-flaky', 'pushed'],
    ]);
    await expect(retryParked(t.db, parked[0]!.id)).rejects.toThrow(/not parked/);
  });

  it('parks at once what a retry cannot fix (400), keeping the message', async () => {
    await enqueue(change('invalid'));
    nock(PROVIDER).post('/changes/invoice/INV-1').reply(400, { message: 'CustomField 1 is not defined' });
    const report = await push();
    expect(report.parked).toBe(1);
    expect(await statusOf('invalid')).toMatchObject({ status: 'parked', attempts: 1, last_error: { retryable: false } });
    expect(JSON.stringify((await statusOf('invalid')).last_error)).toContain('CustomField 1 is not defined');
  });

  it('parks a change no connector can write, and leaves rows of a connection needing re-authorization alone', async () => {
    await enqueue(change('orphan'));
    const report = await pushDueChanges(t.db, { resolvePusher: () => null });
    expect(report.parked).toBe(1);
    expect((await statusOf('orphan')).last_error).toMatchObject({ code: 'config' });

    await enqueue(change('reauth', { externalId: 'INV-9' }));
    await t.db.execute(sql`UPDATE connections SET status = 'needs_reauth'`);
    expect((await push()).items).toEqual([]);
    expect((await statusOf('reauth')).status).toBe('pending');
  });

  it('takes over a row whose lease expired (a worker died) with the same idempotency key', async () => {
    await enqueue(change('orphaned-claim'));
    await t.db.execute(sql`UPDATE outbox SET status = 'in_flight', attempts = 1, claimed_until = now() - interval '1 second'`);
    nock(PROVIDER, { reqheaders: { 'idempotency-key': 'orphaned-claim' } }).post('/changes/invoice/INV-1').reply(200, {});
    const report = await push();
    expect(report.pushed).toBe(1);
    expect(await statusOf('orphaned-claim')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('does not take over a row whose lease still runs', async () => {
    await enqueue(change('claimed'));
    await t.db.execute(sql`UPDATE outbox SET status = 'in_flight', attempts = 1, claimed_until = now() + interval '1 minute'`);
    expect((await push()).items).toEqual([]);
  });
});
