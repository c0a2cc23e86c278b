/**
 * The portal's limits, scaled down with overrides, on a clock the test moves: each limit answers 429
 * with Retry-After, HubSpot's headers and policyName; a client that stays under never sees one.
 * And the injected faults, each in HubSpot's own shape.
 */
import http from 'node:http';
import { Client } from '@hubspot/api-client';
import { afterEach, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/generator/index.ts';
import type { LimitSettings } from '../../sandbox/shared/contract.ts';
import { listenHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import type { RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';

const world = generateWorld({ seed: 5, invoices: 60, asOf: '2026-02-15' });
let clock = Date.parse('2026-02-15T09:00:00.000Z');
let sim: RunningHubspotSimulator | null = null;

async function start(limits: LimitSettings): Promise<RunningHubspotSimulator> {
  sim = await listenHubspotSimulator({ world, limits, now: () => clock });
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = null;
});

function get(s: RunningHubspotSimulator, path = '/crm/v3/objects/companies?limit=1', init: RequestInit = {}) {
  return fetch(`${s.baseUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${s.credentials.accessToken}`, ...init.headers },
  });
}

function search(s: RunningHubspotSimulator) {
  return get(s, '/crm/v3/objects/companies/search', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '0' }] }],
      limit: 1,
    }),
  });
}

describe('TEN_SECONDLY_ROLLING', () => {
  it('answers the request over the limit with 429, Retry-After and policyName, and admits again once the window rolls', async () => {
    const s = await start({ overrides: { 'ten-secondly': { limit: 5 } } });
    for (let i = 0; i < 5; i++) {
      const res = await get(s);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('5');
      expect(res.headers.get('x-hubspot-ratelimit-remaining')).toBe(String(4 - i));
      expect(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      expect(res.headers.get('x-hubspot-ratelimit-daily')).toBe('250000');
      expect(res.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe(String(249_999 - i));
      clock += 100;
    }
    const refused = await get(s);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(10);
    const body = (await refused.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'error',
      policyName: 'TEN_SECONDLY_ROLLING',
      errorType: 'RATE_LIMIT',
    });
    expect(body.correlationId).toEqual(expect.any(String));
    clock += 10_000;
    expect((await get(s)).status).toBe(200);
  });

  it('never refuses a client that keeps under the limit', async () => {
    const s = await start({ overrides: { 'ten-secondly': { limit: 5 } } });
    for (let i = 0; i < 25; i++) {
      expect((await get(s)).status).toBe(200);
      clock += 2_000; // 5 requests per 10 s at most
    }
  });

  it('is what the SDK reports as a 429 with the policy name', async () => {
    const s = await start({ overrides: { 'ten-secondly': { limit: 1 } } });
    const client = new Client({ accessToken: s.credentials.accessToken, basePath: s.baseUrl });
    await client.crm.companies.basicApi.getPage(1);
    await expect(client.crm.companies.basicApi.getPage(1)).rejects.toMatchObject({
      code: 429,
      body: { policyName: 'TEN_SECONDLY_ROLLING' },
    });
  });

  it('the pro tier allows 190 per 10 seconds', async () => {
    sim = await listenHubspotSimulator({ world, limits: {}, tier: 'pro', now: () => clock });
    const res = await get(sim);
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('190');
    expect(res.headers.get('x-hubspot-ratelimit-daily')).toBe('650000');
  });
});

describe('DAILY', () => {
  it('refuses past the daily cap with policyName DAILY until the day has passed', async () => {
    const s = await start({ overrides: { daily: { limit: 4 } } });
    for (let i = 0; i < 4; i++) {
      const res = await get(s);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe(String(3 - i));
      clock += 60_000;
    }
    const refused = await get(s);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { policyName: string }).policyName).toBe('DAILY');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(80_000);
    clock += 86_400_000;
    expect((await get(s)).status).toBe(200);
  });
});

describe('search limit', () => {
  it('has its own lower per-second limit, with the message the SDK retries on, and no limit headers', async () => {
    const s = await start({ overrides: { 'search-secondly': { limit: 2 } } });
    for (let i = 0; i < 2; i++) {
      const ok = await search(s);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    }
    const refused = await search(s);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({
      message: 'You have reached your secondly limit.',
      policyName: 'SECONDLY',
    });
    // Other endpoints are not held back by the search limit.
    expect((await get(s)).status).toBe(200);
    clock += 1_000;
    expect((await search(s)).status).toBe(200);
  });

  it('admits 5 searches a second by default, not 6', async () => {
    const s = await start({});
    for (let i = 0; i < 5; i++) expect((await search(s)).status).toBe(200);
    expect((await search(s)).status).toBe(429);
  });
});

describe('faults', () => {
  it('server_error answers HubSpot 500 bodies for `count` requests, then clears', async () => {
    const s = await start(false);
    s.control.injectFault({ kind: 'server_error', count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await get(s);
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ status: 'error', correlationId: expect.any(String) });
    }
    expect((await get(s)).status).toBe(200);
  });

  it('rate_limit_storm answers 429 TEN_SECONDLY_ROLLING with Retry-After', async () => {
    const s = await start(false);
    s.control.injectFault({ kind: 'rate_limit_storm', count: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await get(s);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
    }
    expect((await get(s)).status).toBe(200);
  });

  it.each([
    ['token_expired', 'EXPIRED_AUTHENTICATION'],
    ['token_revoked', 'INVALID_AUTHENTICATION'],
  ] as const)('%s answers 401 %s, only on the path it targets', async (kind, category) => {
    const s = await start(false);
    s.control.injectFault({ kind, pathPrefix: '/crm/v3/objects/contacts' });
    expect((await get(s)).status).toBe(200);
    const res = await get(s, '/crm/v3/objects/contacts?limit=1');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ status: 'error', category });
    s.control.clearFaults();
    expect((await get(s, '/crm/v3/objects/contacts?limit=1')).status).toBe(200);
  });

  it('timeout holds the request until the client gives up, and the server stays usable', async () => {
    const s = await start(false);
    s.control.injectFault({ kind: 'timeout', count: 1 });
    const started = Date.now();
    // A client of its own (no shared keep-alive pool) that hangs up after 400 ms, as a timeout would.
    const outcome = await new Promise<string | number>((resolve) => {
      const req = http.get(
        `${s.baseUrl}/crm/v3/objects/companies?limit=1`,
        {
          headers: { authorization: `Bearer ${s.credentials.accessToken}` },
          agent: false,
          timeout: 400,
        },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('timeout', () => {
        req.destroy();
        resolve('gave up');
      });
      req.on('error', () => {});
    });
    expect(outcome).toBe('gave up');
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect((await get(s)).status).toBe(200);
  });

  it('closing the app releases a held request', async () => {
    const s = await start(false);
    s.control.injectFault({ kind: 'timeout' });
    const pending = get(s).then(
      (r) => r.status,
      () => 'aborted',
    );
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await s.close();
    sim = null;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect([504, 'aborted']).toContain(await pending);
  });
});

describe('OAuth tokens', () => {
  it("count against their own 110-per-10-seconds limit, not the private app's", async () => {
    const s = await start({
      overrides: { 'ten-secondly': { limit: 1 }, 'oauth-ten-secondly': { limit: 3 } },
    });
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: s.credentials.clientId!,
      client_secret: s.credentials.clientSecret!,
      refresh_token: s.credentials.refreshToken!,
    });
    const token = (
      (await (await fetch(`${s.baseUrl}/oauth/v1/token`, { method: 'POST', body: form })).json()) as {
        access_token: string;
      }
    ).access_token;
    const oauthGet = () =>
      fetch(`${s.baseUrl}/crm/v3/objects/companies?limit=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await get(s)).status).toBe(200);
    expect((await get(s)).status).toBe(429);
    for (let i = 0; i < 3; i++) {
      const res = await oauthGet();
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    }
    const refused = await oauthGet();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
    expect(refused.headers.get('retry-after')).toBe('10');
  });

  it('default to 110 per 10 seconds', async () => {
    const s = await start({});
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: s.credentials.clientId!,
      client_secret: s.credentials.clientSecret!,
      refresh_token: s.credentials.refreshToken!,
    });
    const token = (
      (await (await fetch(`${s.baseUrl}/oauth/v1/token`, { method: 'POST', body: form })).json()) as {
        access_token: string;
      }
    ).access_token;
    const res = await fetch(`${s.baseUrl}/crm/v3/objects/companies?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('110');
  });
});
