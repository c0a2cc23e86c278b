import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthExpired, InvalidInput, Transient } from '../../core/errors.ts';
import { constant, exponentialFullJitter } from '../../core/http/backoff.ts';
import { ensureOk, normalizeHeaders } from '../../core/http/http-failure.ts';
import { AccountLimiter, type Clock } from '../../core/http/limiter.ts';
import { paginate } from '../../core/http/paginate.ts';
import { defineProfile } from '../../core/http/profile.ts';
import { callProvider, type AttemptRecord, type CallContext, type TokenSource } from '../../core/http/request.ts';
import { defaultRetryPolicy } from '../../core/http/retry.ts';
import { DailyAllowanceExhausted } from '../../core/http/errors.ts';
import { quickbooksHook, xeroHook } from './provider-hooks.ts';

const BASE = 'https://api.acme.test';
const profile = defineProfile({
  provider: 'acme',
  baseUrl: BASE,
  limits: { concurrent: 4, windows: [{ requests: 100_000, perMs: 1000 }] },
  limitHeaders: { remaining: 'X-MinLimit-Remaining' },
  paging: { style: 'offset', pageSize: 2 },
});

function virtualClock(): Clock & { sleeps: number[] } {
  let t = Date.parse('2026-03-02T10:00:00Z');
  const sleeps: number[] = [];
  return { sleeps, now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) };
}

/** Tokens that rotate on each refresh, counting the refreshes. */
function rotatingTokens(first = 'token-1'): TokenSource & { refreshes: string[] } {
  let current = first;
  const refreshes: string[] = [];
  return {
    refreshes,
    accessToken: async () => current,
    refreshAfterRejection: async (stale) => {
      refreshes.push(stale);
      current = `token-${refreshes.length + 1}`;
      return current;
    },
  };
}

const limiters: AccountLimiter[] = [];
function context(overrides: Partial<Omit<CallContext, 'clock'>> = {}): CallContext & { attempts: AttemptRecord[]; clock: ReturnType<typeof virtualClock> } {
  const clock = virtualClock();
  const limiter = new AccountLimiter('acme:1', profile, clock);
  limiters.push(limiter);
  const attempts: AttemptRecord[] = [];
  return {
    limiter,
    classify: { provider: 'acme', now: clock.now },
    policy: defaultRetryPolicy({ random: () => 0.5, transient: exponentialFullJitter({ baseMs: 1000, capMs: 8000, maxRetries: 2 }) }),
    onAttempt: (a) => attempts.push(a),
    ...overrides,
    clock,
    attempts,
  };
}

/** One GET through fetch, as a connector's operation would make it. */
const getJson = (path: string) => async ({ accessToken, observe }: { accessToken: string | null; observe(h: Record<string, string>): void }) => {
  const response = await fetch(`${BASE}${path}`, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });
  observe(normalizeHeaders(response.headers));
  return (await ensureOk(response).then((r) => r.json())) as { ok: boolean };
};

beforeAll(() => nock.disableNetConnect());
afterEach(async () => {
  nock.cleanAll();
  await Promise.all(limiters.splice(0).map((l) => l.stop()));
});
afterAll(() => nock.enableNetConnect());

describe('callProvider', () => {
  it('429 with Retry-After: waits what the provider said, then succeeds', async () => {
    const scope = nock(BASE).get('/items').reply(429, { message: 'slow down' }, { 'Retry-After': '2' }).get('/items').reply(200, { ok: true });
    const ctx = context();
    await expect(callProvider(ctx, 'items.list', getJson('/items'))).resolves.toEqual({ ok: true });
    expect(scope.isDone()).toBe(true);
    expect(ctx.clock.sleeps.filter((s) => s > 0)).toEqual([2000]);
    expect(ctx.attempts.map((a) => [a.attempt, a.outcome, a.decision?.reason])).toEqual([
      [1, 'rate_limited', 'rate_limited_retry_after'],
      [2, 'ok', undefined],
    ]);
  });

  it('503 is retried with back-off', async () => {
    const scope = nock(BASE).get('/items').times(2).reply(503, 'Service Unavailable').get('/items').reply(200, { ok: true });
    const ctx = context();
    await expect(callProvider(ctx, 'items.list', getJson('/items'))).resolves.toEqual({ ok: true });
    expect(scope.isDone()).toBe(true);
    expect(ctx.clock.sleeps).toEqual([500, 1000]);
  });

  it('a network reset is retried', async () => {
    nock(BASE).get('/items').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }).get('/items').reply(200, { ok: true });
    const ctx = context();
    await expect(callProvider(ctx, 'items.list', getJson('/items'))).resolves.toEqual({ ok: true });
    expect(ctx.attempts[0]?.outcome).toBe('transient');
  });

  it('gives up on 5xx once the policy is spent, with the last error', async () => {
    nock(BASE).get('/items').times(3).reply(502, 'Bad Gateway');
    const ctx = context();
    await expect(callProvider(ctx, 'items.list', getJson('/items'))).rejects.toBeInstanceOf(Transient);
    expect(ctx.attempts).toHaveLength(3);
    expect(ctx.attempts.at(-1)?.decision).toEqual({ retry: false, reason: 'transient_retries_exhausted' });
  });

  it('400 is not retried', async () => {
    nock(BASE).get('/items').reply(400, { Message: 'bad filter' });
    const ctx = context();
    await expect(callProvider(ctx, 'items.list', getJson('/items'))).rejects.toThrow(InvalidInput);
    expect(ctx.attempts).toHaveLength(1);
    expect(ctx.clock.sleeps).toEqual([]);
  });

  it('401 → one refresh → success with the new token', async () => {
    const scope = nock(BASE)
      .get('/items').matchHeader('authorization', 'Bearer token-1').reply(401, { message: 'expired' })
      .get('/items').matchHeader('authorization', 'Bearer token-2').reply(200, { ok: true });
    const tokens = rotatingTokens();
    const ctx = context({ tokens });
    await expect(callProvider(ctx, 'items.list', getJson('/items'))).resolves.toEqual({ ok: true });
    expect(scope.isDone()).toBe(true);
    expect(tokens.refreshes).toEqual(['token-1']);
    expect(ctx.attempts[0]?.decision?.reason).toBe('token_refreshed');
  });

  it('401 twice → AuthExpired after exactly one refresh', async () => {
    nock(BASE).get('/items').times(2).reply(401, { message: 'expired' });
    const tokens = rotatingTokens();
    const ctx = context({ tokens });
    await expect(callProvider(ctx, 'items.list', getJson('/items'))).rejects.toBeInstanceOf(AuthExpired);
    expect(tokens.refreshes).toHaveLength(1);
    expect(ctx.attempts).toHaveLength(2);
  });

  it('401 without a token source (static token) is AuthExpired at once', async () => {
    nock(BASE).get('/items').reply(401, { message: 'revoked' });
    const ctx = context();
    await expect(callProvider(ctx, 'items.list', getJson('/items'))).rejects.toBeInstanceOf(AuthExpired);
    expect(ctx.attempts).toHaveLength(1);
  });

  it('a provider hook decides: QuickBooks 5010 stale object is a Conflict, retried a few times', async () => {
    const fault = { Fault: { Error: [{ Message: 'Stale Object Error', Detail: 'SyncToken mismatch', code: '5010' }], type: 'ValidationFault' } };
    nock(BASE).post('/invoice').reply(400, fault).post('/invoice').reply(200, { ok: true });
    const ctx = context({ classify: { provider: 'quickbooks', hook: quickbooksHook }, policy: defaultRetryPolicy({ conflict: constant(0, 2) }) });
    let reads = 0;
    const update = async () => {
      reads++; // the caller re-reads the SyncToken on each attempt
      return (await ensureOk(await fetch(`${BASE}/invoice`, { method: 'POST', body: '{}' })).then((r) => r.json())) as { ok: boolean };
    };
    await expect(callProvider(ctx, 'invoice.update', update)).resolves.toEqual({ ok: true });
    expect(reads).toBe(2);
    expect(ctx.attempts[0]?.outcome).toBe('conflict');
  });

  it('a bug in the operation is thrown as is, never retried', async () => {
    const ctx = context();
    await expect(callProvider(ctx, 'x', async () => { throw new TypeError('boom'); })).rejects.toThrow(TypeError);
    expect(ctx.attempts).toHaveLength(1);
  });

  it('a daily cap (Xero X-Rate-Limit-Problem: day) stops this call and every later one of the account', async () => {
    nock(BASE).get('/items').reply(429, {}, { 'Retry-After': '3600', 'X-Rate-Limit-Problem': 'day' });
    const clock = virtualClock();
    const ctx = context({ classify: { provider: 'xero', hook: xeroHook(clock.now), now: clock.now } });
    const error = await callProvider(ctx, 'items.list', getJson('/items')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DailyAllowanceExhausted);
    expect(ctx.attempts).toHaveLength(1);
    // No interceptor is left: a second HTTP call would fail differently.
    await expect(callProvider(ctx, 'items.list', getJson('/items'))).rejects.toBeInstanceOf(DailyAllowanceExhausted);
    expect(ctx.limiter.allowance()?.remaining).toBe(0);
  });

  it('limit headers from responses reach the account limiter', async () => {
    nock(BASE).get('/items').reply(200, { ok: true }, { 'X-MinLimit-Remaining': '0' }).get('/items').reply(200, { ok: true });
    const ctx = context();
    await callProvider(ctx, 'items.list', getJson('/items'));
    expect(ctx.clock.sleeps).toEqual([]);
    await callProvider(ctx, 'items.list', getJson('/items'));
    expect(ctx.clock.sleeps).toEqual([1000]);
  });
});

describe('paginate through callProvider (QuickBooks-style offset paging)', () => {
  it('an exact multiple of MAXRESULTS: pages read, one short empty call, then done', async () => {
    const page = (ids: string[]) => ({ QueryResponse: { Invoice: ids.map((Id) => ({ Id })) }, time: '2026-03-02T10:00:00Z' });
    const scope = nock(BASE)
      .get('/query').query({ query: 'SELECT * FROM Invoice STARTPOSITION 1 MAXRESULTS 2' }).reply(200, page(['1', '2']))
      .get('/query').query({ query: 'SELECT * FROM Invoice STARTPOSITION 3 MAXRESULTS 2' }).reply(200, page(['3', '4']))
      .get('/query').query({ query: 'SELECT * FROM Invoice STARTPOSITION 5 MAXRESULTS 2' }).reply(200, { QueryResponse: {}, time: '2026-03-02T10:00:00Z' });
    const ctx = context();
    type QueryPage = { QueryResponse: { Invoice?: { Id: string }[] } };
    const pages = paginate(profile.paging, async (request) => {
      if (request.style !== 'offset') throw new Error('offset paging expected');
      const query = `SELECT * FROM Invoice STARTPOSITION ${request.startPosition} MAXRESULTS ${request.maxResults}`;
      const body = await callProvider(ctx, 'invoice.query', async () =>
        (await ensureOk(await fetch(`${BASE}/query?${new URLSearchParams({ query })}`)).then((r) => r.json())) as QueryPage);
      return { records: body.QueryResponse.Invoice ?? [] };
    });
    const seen: { ids: string[]; nextCursor: string | null }[] = [];
    for await (const p of pages) seen.push({ ids: p.records.map((r) => r.Id), nextCursor: p.nextCursor });
    expect(seen).toEqual([
      { ids: ['1', '2'], nextCursor: '3' },
      { ids: ['3', '4'], nextCursor: '5' },
      { ids: [], nextCursor: null },
    ]);
    expect(scope.isDone()).toBe(true);
  });
});
