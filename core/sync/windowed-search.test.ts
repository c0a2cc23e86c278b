import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../errors.ts';
import { walkModifiedWindows, type WindowAnswer, type WindowCheckpoint, type WindowQuery, type WindowedSearch } from './windowed-search.ts';

interface Rec {
  id: string;
  at: number;
}

/** A provider double: sorted by instant (ties in reverse id order, to prove order does not matter), offset paging, a cap. */
function provider(records: Rec[], options: { cap: number; pageSize: number; onSearch?: (q: WindowQuery, calls: number) => void }) {
  const calls: WindowQuery[] = [];
  const spec: WindowedSearch<Rec> = {
    cap: options.cap,
    idOf: (r) => r.id,
    modifiedOf: (r) => r.at,
    async search(q): Promise<WindowAnswer<Rec>> {
      calls.push(q);
      options.onSearch?.(q, calls.length);
      const offset = q.after === null ? 0 : Number(q.after);
      if (offset >= options.cap) throw new Error('paged past the cap');
      const matched = records.filter((r) => r.at >= q.from && r.at <= q.to).sort((a, b) => a.at - b.at || b.id.localeCompare(a.id));
      const end = offset + options.pageSize;
      return { total: matched.length, records: matched.slice(offset, end), next: end < matched.length ? String(end) : null };
    },
  };
  return { spec, calls };
}

async function walk(spec: WindowedSearch<Rec>, start: WindowCheckpoint, to: number) {
  const ids: string[] = [];
  const checkpoints: WindowCheckpoint[] = [];
  for await (const page of walkModifiedWindows(spec, start, to)) {
    ids.push(...page.records.map((r) => r.id));
    checkpoints.push(page.checkpoint);
  }
  return { ids, checkpoints };
}

const DAY = Date.parse('2026-03-01T00:00:00Z');
// 120 records in one day, several sharing an instant, with a cap of 25 results per query.
const records: Rec[] = Array.from({ length: 120 }, (_, i) => ({ id: `r${String(i).padStart(3, '0')}`, at: DAY + Math.floor(i / 3) * 60_000 }));

describe('walkModifiedWindows', () => {
  it('reads every record exactly once when the window holds more than the cap, by halving it', async () => {
    const { spec, calls } = provider(records, { cap: 25, pageSize: 10 });
    const { ids } = await walk(spec, { from: 0, seen: [] }, DAY + 86_400_000);
    expect(ids.sort()).toEqual(records.map((r) => r.id).sort());
    expect(new Set(ids).size).toBe(ids.length);
    // Every query fit under the cap: none paged past it.
    expect(calls.every((q) => q.after === null || Number(q.after) < 25)).toBe(true);
  });

  it('resumes from any checkpoint without a duplicate or a gap', async () => {
    const { spec } = provider(records, { cap: 25, pageSize: 10 });
    const to = DAY + 86_400_000;
    const { checkpoints } = await walk(spec, { from: 0, seen: [] }, to);
    expect(checkpoints.length).toBeGreaterThan(5);
    for (const [index, checkpoint] of checkpoints.entries()) {
      const before = (await (async () => {
        const out: string[] = [];
        let n = 0;
        for await (const page of walkModifiedWindows(spec, { from: 0, seen: [] }, to)) {
          out.push(...page.records.map((r) => r.id));
          if (n++ === index) break;
        }
        return out;
      })());
      const after = (await walk(spec, checkpoint, to)).ids;
      expect([...before, ...after].sort(), `resumed at checkpoint ${index}`).toEqual(records.map((r) => r.id).sort());
    }
  });

  it('restarts a window whose total changed between pages, so an offset shift skips nothing', async () => {
    const moving = records.slice(0, 20).map((r) => ({ ...r }));
    const { spec } = provider(moving, {
      cap: 100,
      pageSize: 5,
      // After the first page, a record already read is edited: it leaves the window (later than `to`).
      onSearch: (_q, calls) => {
        if (calls === 2) moving[1]!.at = DAY + 10 * 86_400_000;
      },
    });
    const { ids } = await walk(spec, { from: 0, seen: [] }, DAY + 86_400_000);
    const expected = moving.filter((r) => r.at <= DAY + 86_400_000).map((r) => r.id);
    for (const id of expected) expect(ids).toContain(id);
  });

  it('an incremental walk from a checkpoint returns only what changed after it', async () => {
    const { spec } = provider(records, { cap: 25, pageSize: 10 });
    const last = records.at(-1)!;
    const { ids } = await walk(spec, { from: last.at, seen: records.filter((r) => r.at === last.at).map((r) => r.id) }, DAY + 86_400_000);
    expect(ids).toEqual([]);
  });

  it('refuses more records in one instant than the cap, naming the instant', async () => {
    const same = Array.from({ length: 30 }, (_, i) => ({ id: `s${i}`, at: DAY }));
    const { spec } = provider(same, { cap: 25, pageSize: 10 });
    await expect(walk(spec, { from: 0, seen: [] }, DAY + 1000)).rejects.toThrow(InvalidInput);
    await expect(walk(spec, { from: 0, seen: [] }, DAY + 1000)).rejects.toThrow(/2026-03-01T00:00:00.000Z/);
  });
});
