import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { seedConnection, invoice } from '../../../test/store/fixtures.ts';
import { listRejected, readCursor, saveRejected, savePage, upsertPage, writeCheckpoint } from './index.ts';

let t: TestDatabase;
let connectionId: string;
let organizationId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ connectionId, organizationId } = await seedConnection(t.db));
});
afterAll(async () => {
  await t?.drop();
});

const reject = (externalId: string) => ({ externalId, reason: `bad ${externalId}`, raw: { Id: externalId } });

describe('writeCheckpoint', () => {
  it('clears the stored ids of several entities and saves the cursor in one statement', async () => {
    await saveRejected(t.db, connectionId, 'customer', [reject('C1'), reject('C2')]);
    await saveRejected(t.db, connectionId, 'contact', [reject('C1'), reject('K9')]);
    await t.db.transaction((tx) =>
      writeCheckpoint(tx, connectionId, [
        { entity: 'customer', externalIds: ['C1'] },
        { entity: 'contact', externalIds: ['C1'] },
      ], { key: 'customer', value: { mode: 'full', position: '1001' } }),
    );
    const left = (await listRejected(t.db, connectionId)).map((r) => `${r.entity}:${r.externalId}`);
    expect(left).toEqual(['contact:K9', 'customer:C2']);
    expect(await readCursor(t.db, connectionId, 'customer')).toEqual({ mode: 'full', position: '1001' });
  });

  it('without a cursor only clears, and leaves the saved cursor alone', async () => {
    await writeCheckpoint(t.db, connectionId, [{ entity: 'customer', externalIds: ['C2'] }]);
    expect(await listRejected(t.db, connectionId, 'customer')).toEqual([]);
    expect(await readCursor(t.db, connectionId, 'customer')).toEqual({ mode: 'full', position: '1001' });
  });
});

describe('savePage with the checkpoint', () => {
  it('keeps a record rejected when the same page both stores and rejects its id', async () => {
    await savePage(t.db, {
      connectionId, entity: 'invoice', records: [invoice('R1'), invoice('R2')], cursor: 'p1',
      rejected: [reject('R2')],
    });
    expect((await listRejected(t.db, connectionId, 'invoice')).map((r) => r.externalId)).toEqual(['R2']);
    await savePage(t.db, { connectionId, entity: 'invoice', records: [invoice('R2', { updatedAt: '2026-01-06T00:00:00Z' })], cursor: 'p2' });
    expect(await listRejected(t.db, connectionId, 'invoice')).toEqual([]);
    expect(await readCursor(t.db, connectionId, 'invoice')).toBe('p2');
  });
});

describe('raw records travel as one JSON document per page', () => {
  it('keeps quotes, backslashes, newlines and non-ASCII exactly, each raw on its own row, and no raw as NULL', async () => {
    const tricky = { Id: 'X1', Memo: 'say "hi"\\n\tC:\\path\nÉté ✓ \u2028', Nested: [{ a: null }, 'null'], Amount: 12.5 };
    const result = await t.db.transaction((tx) =>
      upsertPage(tx, connectionId, 'invoice', [invoice('X1', { raw: tricky }), invoice('X2', { raw: 'null' }), invoice('X3')], { organizationId }),
    );
    expect(result).toEqual({ written: 3, skippedOlder: 0 });
    const { rows } = await t.db.execute<{ external_id: string; raw: unknown; raw_is_null: boolean; custom_fields: unknown }>(sql`
      SELECT external_id, raw, raw IS NULL AS raw_is_null, custom_fields FROM invoices
      WHERE connection_id = ${connectionId}::uuid AND external_id IN ('X1', 'X2', 'X3') ORDER BY external_id`);
    expect(rows.map((r) => [r.external_id, r.raw, r.raw_is_null, r.custom_fields])).toEqual([
      ['X1', tricky, false, {}],
      ['X2', 'null', false, {}],
      ['X3', null, true, {}],
    ]);
  });

  it('takes records already parsed by the store schema without parsing them again', async () => {
    // `parsed: true` is the engine's path after mapPage: defaults are already filled in.
    const parsed = { ...invoice('P1'), number: null, disputed: undefined, raw: { Id: 'P1' }, customFields: undefined };
    const result = await t.db.transaction((tx) => upsertPage(tx, connectionId, 'invoice', [parsed], { organizationId, parsed: true }));
    expect(result).toEqual({ written: 1, skippedOlder: 0 });
    const { rows } = await t.db.execute<{ number: string | null; raw: unknown }>(sql`
      SELECT number, raw FROM invoices WHERE connection_id = ${connectionId}::uuid AND external_id = 'P1'`);
    expect(rows).toEqual([{ number: null, raw: { Id: 'P1' } }]);
  });
});
