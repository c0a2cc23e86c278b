/**
 * Intuit's OAuth 2.0 flow against the simulator, end to end: the authorize redirect, the code
 * exchange, refresh-token rotation with its grace period, expiry of both tokens, and revocation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuickBooksSimulator, type QuickBooksSimulator } from '../../sandbox/quickbooks/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';

type Tokens = { token_type: string; access_token: string; refresh_token: string; expires_in: number; x_refresh_token_expires_in: number };
const REDIRECT = 'http://localhost:3000/oauth/quickbooks/callback';
let clock = Date.parse('2026-03-01T12:00:00Z');
let sim: QuickBooksSimulator;
let baseUrl: string;

function basic(id = sim.credentials.clientId!, secret = sim.credentials.clientSecret!): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function tokenCall(form: Record<string, string>, auth = basic()): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/oauth2/v1/tokens/bearer`, {
    method: 'POST',
    headers: { Authorization: auth, Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function apiStatus(accessToken: string): Promise<{ status: number; detail?: string }> {
  const res = await fetch(`${baseUrl}/v3/company/${sim.credentials.realmId}/companyinfo/${sim.credentials.realmId}`, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
  });
  const body = (await res.json()) as { Fault?: { Error: { Detail: string }[] } };
  return { status: res.status, detail: body.Fault?.Error[0]?.Detail };
}

async function authorize(params: Record<string, string>): Promise<URL> {
  const qs = new URLSearchParams({ client_id: sim.credentials.clientId!, response_type: 'code', scope: 'com.intuit.quickbooks.accounting', redirect_uri: REDIRECT, state: 'st-42', ...params });
  const res = await fetch(`${baseUrl}/connect/oauth2?${qs.toString()}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function connect(): Promise<Tokens> {
  const code = (await authorize({})).searchParams.get('code')!;
  const res = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
  expect(res.status).toBe(200);
  return res.body as unknown as Tokens;
}

beforeAll(async () => {
  sim = createQuickBooksSimulator({ world: generateWorld({ seed: 9, invoices: 10, asOf: '2026-03-01' }), limits: false, now: () => clock });
  baseUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await sim.app.close();
});

describe('the connect flow', () => {
  it('authorize redirects to redirect_uri with code, state and realmId; the code buys working tokens', async () => {
    const back = await authorize({});
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-42');
    expect(back.searchParams.get('realmId')).toBe(sim.credentials.realmId);
    const res = await tokenCall({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8_726_400 });
    expect((await apiStatus(res.body.access_token as string)).status).toBe(200);
  });

  it('a code is single-use and bound to its redirect_uri', async () => {
    const code = (await authorize({})).searchParams.get('code')!;
    expect((await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: 'http://elsewhere/cb' })).body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    const again = (await authorize({})).searchParams.get('code')!;
    expect((await tokenCall({ grant_type: 'authorization_code', code: again, redirect_uri: REDIRECT })).status).toBe(200);
    expect((await tokenCall({ grant_type: 'authorization_code', code: again, redirect_uri: REDIRECT })).status).toBe(400);
  });

  it('a code expires after 5 minutes', async () => {
    const code = (await authorize({})).searchParams.get('code')!;
    clock += 5 * 60_000;
    expect((await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body.error).toBe('invalid_grant');
  });

  it('refuses a wrong scope, response type or client', async () => {
    expect((await authorize({ scope: 'openid' })).searchParams.get('error')).toBe('invalid_scope');
    expect((await authorize({ response_type: 'token' })).searchParams.get('error')).toBe('unsupported_response_type');
    const res = await fetch(`${baseUrl}/connect/oauth2?client_id=nobody&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_client' });
  });

  it('the token endpoint wants the client credentials and a known grant type', async () => {
    expect(await tokenCall({ grant_type: 'refresh_token', refresh_token: sim.credentials.refreshToken! }, basic(sim.credentials.clientId!, 'wrong'))).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(await tokenCall({ grant_type: 'password' })).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await tokenCall({ grant_type: 'refresh_token' })).toEqual({ status: 400, body: { error: 'invalid_request' } });
  });
});

describe('token lifetimes', () => {
  it('an access token stops working after 3600 s with 401 3200', async () => {
    const tokens = await connect();
    clock += 3_599_000;
    expect((await apiStatus(tokens.access_token)).status).toBe(200);
    clock += 1_000;
    const expired = await apiStatus(tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.detail).toMatch(/expired/i);
  });

  it('a refresh rotates the refresh token; the previous one is honoured for 24 hours only', async () => {
    const first = await connect();
    const second = (await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).body as unknown as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    clock += 23 * 3600_000;
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).status).toBe(200);
    clock += 3600_000;
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).body.error).toBe('invalid_grant');
    const third = await tokenCall({ grant_type: 'refresh_token', refresh_token: second.refresh_token });
    expect(third.status).toBe(200);
    expect((await apiStatus((third.body as unknown as Tokens).access_token)).status).toBe(200);
  });

  it('an unused refresh token expires after x_refresh_token_expires_in', async () => {
    const tokens = await connect();
    clock += tokens.x_refresh_token_expires_in * 1000;
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).body.error).toBe('invalid_grant');
  });

  it('revoking the refresh token disconnects: its access tokens and refreshes stop working', async () => {
    const tokens = await connect();
    const res = await fetch(`${baseUrl}/v2/oauth2/tokens/revoke`, {
      method: 'POST',
      headers: { Authorization: basic(), 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token: tokens.refresh_token }),
    });
    expect(res.status).toBe(200);
    const denied = await apiStatus(tokens.access_token);
    expect(denied.status).toBe(401);
    expect(denied.detail).toMatch(/revoked/i);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).body.error).toBe('invalid_grant');
  });
});
