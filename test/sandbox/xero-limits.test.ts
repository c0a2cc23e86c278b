/**
 * Xero's per-tenant and per-app limits, scaled down with `LimitSettings.overrides`: going over
 * answers 429 with `Retry-After` and `X-Rate-Limit-Problem`; staying under never does; the
 * remaining-calls headers count down; the daily cap resets when the clock moves a day on.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LimitSettings, World } from '../../sandbox/shared/contract.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { createXeroSimulator, XERO_RULE_NAMES, type XeroSimulator } from '../../sandbox/xero/index.ts';

const world: World = generateWorld({ seed: 5, invoices: 20, asOf: '2026-03-01' });
let clock = Date.parse('2026-03-01T09:00:00Z');
const running: XeroSimulator[] = [];

interface Started {
  sim: XeroSimulator;
  call: (init?: RequestInit) => Promise<Response>;
  /** Refreshes the access token over the token endpoint, as a client does every 30 minutes. */
  refresh: () => Promise<void>;
}

async function start(limits: LimitSettings, timeoutHoldMs?: number): Promise<Started> {
  const sim = createXeroSimulator({ world, limits, now: () => clock, timeoutHoldMs });
  running.push(sim);
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}`;
  let access = sim.credentials.accessToken!;
  let refreshToken = sim.credentials.refreshToken!;
  const call = (init?: RequestInit): Promise<Response> =>
    fetch(`${base}/api.xro/2.0/Contacts?page=1`, {
      headers: { authorization: `Bearer ${access}`, 'xero-tenant-id': sim.credentials.tenantId! },
      ...init,
    });
  const refresh = async (): Promise<void> => {
    const res = await fetch(`${base}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: sim.credentials.clientId!,
        client_secret: sim.credentials.clientSecret!,
      }),
    });
    const set = (await res.json()) as { access_token: string; refresh_token: string };
    access = set.access_token;
    refreshToken = set.refresh_token;
  };
  return { sim, call, refresh };
}

afterEach(async () => {
  for (const sim of running.splice(0)) await sim.app.close();
});

describe('Xero rate limits', () => {
  it('names its rules after X-Rate-Limit-Problem values', () => {
    expect(XERO_RULE_NAMES.sort()).toEqual(['appminute', 'concurrent', 'day', 'minute']);
  });

  it('per minute: the call over the limit gets 429 with Retry-After; the headers count down before it', async () => {
    const { call } = await start({ overrides: { minute: { limit: 5 } } });
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call();
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-minlimit-remaining')!);
      expect(res.headers.get('x-daylimit-remaining')).toBe(String(5000 - i - 1));
      expect(res.headers.get('x-appminlimit-remaining')).toBe(String(10_000 - i - 1));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const over = await call();
    expect(over.status).toBe(429);
    expect(over.headers.get('x-rate-limit-problem')).toBe('minute');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    clock += 60_001;
    expect((await call()).status).toBe(200);
  });

  it('staying under the minute limit never gets a 429', async () => {
    const { call } = await start({ overrides: { minute: { limit: 5, windowMs: 1000 } } });
    for (let i = 0; i < 20; i++) {
      const res = await call();
      expect(res.status).toBe(200);
      // Five calls per simulated second: exactly at the limit, never over it.
      if (i % 5 === 4) clock += 1000;
    }
  });

  it('per day: the cap holds until the clock passes the reset, then calls go through again', async () => {
    const { call, refresh } = await start({ overrides: { day: { limit: 3 } } });
    for (let i = 0; i < 3; i++) {
      expect((await call()).status).toBe(200);
      clock += 61_000;
    }
    const over = await call();
    expect(over.status).toBe(429);
    expect(over.headers.get('x-rate-limit-problem')).toBe('day');
    const wait = Number(over.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(3600);
    clock += (wait - 60) * 1000;
    await refresh();
    expect((await call()).status).toBe(429);
    clock += 60_000;
    const back = await call();
    expect(back.status).toBe(200);
  });

  it('per app: the app-wide minute limit refuses with problem "appminute"', async () => {
    const { call } = await start({ overrides: { appminute: { limit: 2 } } });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const over = await call();
    expect(over.status).toBe(429);
    expect(over.headers.get('x-rate-limit-problem')).toBe('appminute');
    expect(over.headers.get('retry-after')).not.toBeNull();
  });

  it('concurrent: calls in progress hold their slot until they end or the client leaves', async () => {
    const { sim, call } = await start({ overrides: { concurrent: { limit: 2 } } }, 10_000);
    sim.control.injectFault({ kind: 'timeout', count: 2 });
    const aborts = [new AbortController(), new AbortController()];
    const held = aborts.map((a) => call({ signal: a.signal }).catch((e: Error) => e));
    await new Promise((r) => setTimeout(r, 300));
    const over = await call();
    expect(over.status).toBe(429);
    expect(over.headers.get('x-rate-limit-problem')).toBe('concurrent');
    expect(over.headers.get('retry-after')).toBe('1');
    for (const a of aborts) a.abort();
    expect((await Promise.all(held)).every((r) => r instanceof Error)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect((await call()).status).toBe(200);
  });

  it('with limits off there are no limit headers and no 429', async () => {
    const { call } = await start(false);
    for (let i = 0; i < 70; i++) expect((await call()).status).toBe(200);
    expect((await call()).headers.get('x-minlimit-remaining')).toBeNull();
  });
});
