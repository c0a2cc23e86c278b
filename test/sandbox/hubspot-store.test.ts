/**
 * The simulator's record indexes against a plain model: after random edits and inserts, paging by id
 * and slicing by modified time give what a full sort would.
 */
import { describe, expect, it } from 'vitest';
import { compareIds, ObjectStore } from '../../sandbox/hubspot/store.ts';
import type { CrmObject } from '../../sandbox/hubspot/store.ts';

function obj(id: string, updatedMs: number): CrmObject {
  const updatedAt = new Date(updatedMs).toISOString();
  return {
    id,
    properties: { hs_lastmodifieddate: updatedAt },
    createdAt: updatedAt,
    updatedAt,
    updatedMs,
    archived: false,
  };
}

/** A small deterministic generator (the test must not depend on Math.random). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

describe('ObjectStore', () => {
  it('keeps id order and update-time order through random edits and inserts', () => {
    const rnd = lcg(42);
    const store = new ObjectStore('companies', ['hs_lastmodifieddate']);
    const model = new Map<string, CrmObject>();
    // ids of different lengths, loaded out of order: numeric order is not string order.
    for (let i = 0; i < 500; i++) {
      const id = String(Math.floor(rnd() * 1e6) + (i % 3 === 0 ? 1e9 : 0));
      if (model.has(id)) continue;
      const o = obj(id, 1_700_000_000_000 + Math.floor(rnd() * 1e6));
      model.set(id, o);
      store.load(o);
    }
    store.seal();
    for (let step = 0; step < 300; step++) {
      const ids = [...model.keys()];
      if (rnd() < 0.2) {
        const o = obj(store.nextId(), 1_700_000_000_000 + Math.floor(rnd() * 2e6));
        model.set(o.id, o);
        store.insert(o);
      } else {
        const o = model.get(ids[Math.floor(rnd() * ids.length)]!)!;
        store.touch(o, { name: `n${step}` }, 1_700_000_000_000 + Math.floor(rnd() * 2e6));
      }
    }
    const all = [...model.values()];
    const idSorted = all.map((o) => o.id).sort(compareIds);
    const paged: string[] = [];
    let after: string | undefined;
    do {
      const page = store.pageById(after, 37);
      paged.push(...page.items.map((o) => o.id));
      after = page.next ?? undefined;
    } while (after);
    expect(paged).toEqual(idSorted);

    const lo = 1_700_000_500_000;
    const hi = 1_700_001_500_000;
    const expected = all
      .filter((o) => o.updatedMs >= lo && o.updatedMs <= hi)
      .sort((a, b) => a.updatedMs - b.updatedMs || compareIds(a.id, b.id))
      .map((o) => o.id);
    expect(store.updatedBetween(lo, hi).map((o) => o.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(50);
  });

  it('never moves a record back in time, and mirrors the time into the modified properties', () => {
    const store = new ObjectStore('contacts', ['hs_lastmodifieddate', 'lastmodifieddate']);
    const o = obj('7', 2_000);
    store.load(o);
    store.seal();
    store.touch(o, { email: 'a@b.c' }, 1_000);
    expect(o.updatedMs).toBe(2_000);
    store.touch(o, {}, 5_000);
    expect(o.properties.lastmodifieddate).toBe(new Date(5_000).toISOString());
    expect(o.properties.hs_lastmodifieddate).toBe(o.updatedAt);
    expect(store.updatedBetween(4_000, 6_000)).toEqual([o]);
    expect(store.updatedBetween(0, 3_000)).toEqual([]);
  });
});
