/** The query-language subset, parsed apart from any server: what node-quickbooks and Relance send. */
import { describe, expect, it } from 'vitest';
import { parseQuery, QueryParseError } from '../../sandbox/quickbooks/query-language.ts';
import { parseQboInstant } from '../../sandbox/quickbooks/time-format.ts';

describe('parseQuery', () => {
  it('reads what node-quickbooks builds from criteria', () => {
    expect(parseQuery("select * from invoice where MetaData.LastUpdatedTime > '2026-02-01T00:00:00-08:00' and Id IN ('1','2') orderby MetaData.LastUpdatedTime asc startposition 1001 maxresults 1000")).toEqual({
      count: false,
      entity: 'invoice',
      where: [
        { field: 'MetaData.LastUpdatedTime', op: '>', values: ['2026-02-01T00:00:00-08:00'] },
        { field: 'Id', op: 'IN', values: ['1', '2'] },
      ],
      orderBy: { field: 'MetaData.LastUpdatedTime', desc: false },
      startPosition: 1001,
      maxResults: 1000,
    });
  });

  it('accepts upper-case keywords, ORDER BY, DESC, booleans, numbers, LIKE and count(*)', () => {
    const q = parseQuery("SELECT COUNT(*) FROM Customer WHERE Active = false AND Balance >= 10.5 AND DisplayName LIKE 'Lind%' ORDER BY Id DESC");
    expect(q.count).toBe(true);
    expect(q.where.map((c) => [c.op, c.values[0]])).toEqual([['=', false], ['>=', 10.5], ['LIKE', 'Lind%']]);
    expect(q.orderBy).toEqual({ field: 'Id', desc: true });
  });

  it("reads a quote escaped as \\' inside a value", () => {
    expect(parseQuery("select * from Customer where DisplayName = 'O\\'Brien Ltd'").where[0]!.values).toEqual(["O'Brien Ltd"]);
  });

  const bad = ['', 'select', 'select * invoice', 'select * from', "select * from Invoice where Id = '1' or Id = '2'", 'select * from Invoice where Id', 'select * from Invoice maxresults ten', 'select * from Invoice where Id ~ 1'];
  for (const text of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      expect(() => parseQuery(text)).toThrow(QueryParseError);
    });
  }
});

describe('parseQboInstant', () => {
  it('reads offsets, Z, a bare date (company midnight) and refuses anything else', () => {
    expect(parseQboInstant('2026-01-06T10:15:40-08:00')).toBe(Date.parse('2026-01-06T18:15:40Z'));
    expect(parseQboInstant('2026-01-06T18:15:40.000Z')).toBe(Date.parse('2026-01-06T18:15:40Z'));
    expect(parseQboInstant('2026-01-06')).toBe(Date.parse('2026-01-06T08:00:00Z'));
    expect(parseQboInstant('yesterday')).toBeNaN();
  });
});
