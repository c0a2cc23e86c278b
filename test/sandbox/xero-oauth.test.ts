/**
 * Xero's identity service as the simulator plays it: the authorize redirect, the code exchange,
 * 30-minute access tokens, single-use refresh tokens with a grace period, and /connections.
 * The clock is the test's (`options.now`).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { createXeroSimulator, type XeroSimulator } from '../../sandbox/xero/index.ts';
import { shapeDifferences } from '../support/shape.ts';
import connectionsFixture from '../fixtures/providers/xero/connections.json' with { type: 'json' };
import tokenFixture from '../fixtures/providers/xero/token.json' with { type: 'json' };
import unauthorizedFixture from '../fixtures/providers/xero/error-unauthorized.json' with { type: 'json' };

const world = generateWorld({ seed: 3, invoices: 20, asOf: '2026-03-01' });
let clock = Date.parse('2026-03-01T09:00:00Z');
let sim: XeroSimulator;
let base: string;
const redirectUri = 'http://127.0.0.1:9/callback';

beforeAll(async () => {
  sim = createXeroSimulator({ world, limits: false, now: () => clock });
  await sim.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(sim.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim.app.close();
});

interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

async function token(form: Record<string, string>, secret = sim.credentials.clientSecret!): Promise<TokenAnswer> {
  const basic = Buffer.from(`${sim.credentials.clientId}:${secret}`).toString('base64');
  const res = await fetch(`${base}/connect/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function authorize(scope: string, state: string): Promise<URL> {
  const q = new URLSearchParams({ response_type: 'code', client_id: sim.credentials.clientId!, redirect_uri: redirectUri, scope, state });
  const res = await fetch(`${base}/identity/connect/authorize?${q}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function invoicesWith(accessToken: string): Promise<Response> {
  return fetch(`${base}/api.xro/2.0/Invoices?page=1&pageSize=1`, {
    headers: { authorization: `Bearer ${accessToken}`, 'xero-tenant-id': sim.credentials.tenantId!, accept: 'application/json' },
  });
}

describe('Xero identity', () => {
  it('redirects with code and state, and exchanges the code once for a token set in Xero’s shape', async () => {
    const back = await authorize('openid offline_access accounting.transactions', 'st-42');
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('st-42');
    const code = back.searchParams.get('code')!;
    const first = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(first.status).toBe(200);
    expect(shapeDifferences(tokenFixture, first.body)).toEqual([]);
    expect(first.body.expires_in).toBe(1800);
    const again = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(again).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('issues no refresh token without offline_access', async () => {
    const back = await authorize('openid accounting.transactions', 's');
    const set = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri });
    expect(set.status).toBe(200);
    expect(set.body.refresh_token).toBeUndefined();
  });

  it('rejects a wrong client secret and an unknown grant type', async () => {
    expect(await token({ grant_type: 'refresh_token', refresh_token: sim.credentials.refreshToken! }, 'wrong')).toEqual({ status: 400, body: { error: 'invalid_client' } });
    expect((await token({ grant_type: 'password' })).body).toEqual({ error: 'unsupported_grant_type' });
  });

  it('expires access tokens after 30 minutes with Xero’s 401', async () => {
    const back = await authorize('offline_access accounting.transactions', 's');
    const set = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri });
    const access = set.body.access_token as string;
    expect((await invoicesWith(access)).status).toBe(200);
    clock += 29 * 60_000;
    expect((await invoicesWith(access)).status).toBe(200);
    clock += 2 * 60_000;
    const expired = await invoicesWith(access);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/invalid_token/);
    const body = (await expired.json()) as { Detail: string };
    expect(shapeDifferences(unauthorizedFixture, body)).toEqual([]);
    expect(body.Detail).toMatch(/^TokenExpired/);
  });

  it('rotates refresh tokens: each refresh gives a new one; the old one works for 30 minutes, then invalid_grant', async () => {
    const back = await authorize('offline_access accounting.transactions', 's');
    const set = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri });
    const r0 = set.body.refresh_token as string;
    const first = await token({ grant_type: 'refresh_token', refresh_token: r0 });
    expect(first.status).toBe(200);
    const r1 = first.body.refresh_token as string;
    expect(r1).not.toBe(r0);
    expect((await invoicesWith(first.body.access_token as string)).status).toBe(200);

    clock += 10 * 60_000;
    const retry = await token({ grant_type: 'refresh_token', refresh_token: r0 });
    expect(retry.status).toBe(200);
    clock += 21 * 60_000;
    expect(await token({ grant_type: 'refresh_token', refresh_token: r0 })).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const second = await token({ grant_type: 'refresh_token', refresh_token: r1 });
    expect(second.status).toBe(200);
  });

  it('expires refresh tokens after 60 days', async () => {
    const back = await authorize('offline_access', 's');
    const set = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri });
    clock += 61 * 86_400_000;
    expect((await token({ grant_type: 'refresh_token', refresh_token: set.body.refresh_token as string })).body).toEqual({ error: 'invalid_grant' });
  });

  it('lists the tenant on /connections for a valid token, 401 otherwise', async () => {
    const back = await authorize('offline_access', 's');
    const set = await token({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri });
    const res = await fetch(`${base}/connections`, { headers: { authorization: `Bearer ${set.body.access_token as string}` } });
    const body = (await res.json()) as { tenantId: string; tenantType: string }[];
    expect(shapeDifferences(connectionsFixture, body)).toEqual([]);
    expect(body[0]).toMatchObject({ tenantId: sim.credentials.tenantId, tenantType: 'ORGANISATION' });
    expect((await fetch(`${base}/connections`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });
});
