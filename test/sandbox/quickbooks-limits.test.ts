/**
 * QuickBooks' per-realm throttles, scaled down through `LimitSettings.overrides`: going over any of
 * them gets a 429 ThrottleExceeded with `Retry-After`; waiting that long, or staying under, does not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createQuickBooksSimulator, QBO_LIMIT_RULES, QBO_RULES, type QuickBooksSimulator } from '../../sandbox/quickbooks/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import type { LimitSettings } from '../../sandbox/shared/contract.ts';

const world = generateWorld({ seed: 3, invoices: 20, asOf: '2026-03-01' });
let clock = Date.parse('2026-03-01T12:00:00Z');
const open: QuickBooksSimulator[] = [];

async function start(limits: LimitSettings): Promise<(init?: { signal?: AbortSignal }) => Promise<Response>> {
  const sim = createQuickBooksSimulator({ world, limits, now: () => clock });
  open.push(sim);
  const base = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `${base}/v3/company/${sim.credentials.realmId}/query?query=${encodeURIComponent('select * from Customer maxresults 5')}&minorversion=75`;
  const headers = { Authorization: `Bearer ${sim.credentials.accessToken}`, Accept: 'application/json' };
  return (init = {}) => fetch(url, { headers, signal: init.signal });
}

afterEach(async () => {
  for (const sim of open.splice(0)) await sim.app.close();
  clock = Date.parse('2026-03-01T12:00:00Z');
});

async function expectThrottled(res: Response, retryAfter: number): Promise<void> {
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe(String(retryAfter));
  const body = (await res.json()) as { Fault: { Error: { code: string; Message: string }[]; type: string } };
  expect(body.Fault.Error[0]!.code).toBe('003001');
  expect(body.Fault.Error[0]!.Message).toContain('ThrottleExceeded');
}

describe('the published limits', () => {
  it('declares 500/minute, 10/second and 10 concurrent per realm', () => {
    expect(QBO_LIMIT_RULES).toEqual([
      { name: QBO_RULES.perMinute, kind: 'window', limit: 500, windowMs: 60_000 },
      { name: QBO_RULES.perSecond, kind: 'window', limit: 10, windowMs: 1_000 },
      { name: QBO_RULES.concurrent, kind: 'concurrent', limit: 10 },
    ]);
  });
});

describe('going over a limit', () => {
  it('requests per minute: the 6th of 5 gets 429 Retry-After 60, and gets through once the minute has passed', async () => {
    const get = await start({ overrides: { [QBO_RULES.perMinute]: { limit: 5 } } });
    for (let i = 0; i < 5; i++) expect((await get()).status).toBe(200);
    await expectThrottled(await get(), 60);
    clock += 59_000;
    expect((await get()).status).toBe(429);
    clock += 1_000;
    expect((await get()).status).toBe(200);
  });

  it('requests per second: the 4th of 3 gets 429 Retry-After 1', async () => {
    const get = await start({ overrides: { [QBO_RULES.perSecond]: { limit: 3 } } });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    await expectThrottled(await get(), 1);
    clock += 1_000;
    expect((await get()).status).toBe(200);
  });

  it('concurrent requests: a 3rd while 2 hang gets 429; once they end it gets through', async () => {
    const sim = createQuickBooksSimulator({ world, limits: { overrides: { [QBO_RULES.concurrent]: { limit: 2 } } }, now: () => clock });
    open.push(sim);
    const base = await sim.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${base}/v3/company/${sim.credentials.realmId}/query?query=${encodeURIComponent('select * from Customer')}`;
    const headers = { Authorization: `Bearer ${sim.credentials.accessToken}` };
    sim.control.injectFault({ kind: 'timeout', count: 2 });
    const abort = new AbortController();
    const hanging = [fetch(url, { headers, signal: abort.signal }), fetch(url, { headers, signal: abort.signal })].map((p) => p.catch((e: Error) => e.name));
    await new Promise((r) => setTimeout(r, 200));
    await expectThrottled(await fetch(url, { headers }), 1);
    abort.abort();
    expect(await Promise.all(hanging)).toEqual(['AbortError', 'AbortError']);
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(url, { headers })).status).toBe(200);
  });
});

describe('staying under the limits', () => {
  it('never gets a 429: 20 requests under a 20/minute limit', async () => {
    const get = await start({ overrides: { [QBO_RULES.perMinute]: { limit: 20 }, [QBO_RULES.perSecond]: { limit: 20 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await get()).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('the real limits let 10 requests a second through, one after another', async () => {
    const get = await start({});
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await get()).status);
    expect(statuses).toEqual(Array(10).fill(200));
    expect((await get()).status).toBe(429);
  });

  it('limits: false turns every limit off', async () => {
    const get = await start(false);
    const statuses = await Promise.all(Array.from({ length: 30 }, async () => (await get()).status));
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});
