import { describe, expect, it } from 'vitest';
import { AuthExpired, ConfigError, Conflict, InvalidInput, NotFound, RateLimited, Transient } from '../../core/errors.ts';
import { classifyError, classifyHttpFailure, parseRetryAfter } from '../../core/http/classify.ts';
import { DailyAllowanceExhausted } from '../../core/http/errors.ts';
import { HttpStatusError, failureFromResponse, toHttpFailure, type HttpFailure } from '../../core/http/http-failure.ts';
import { hubspotHook, quickbooksHook, xeroHook } from './provider-hooks.ts';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const now = () => NOW;
const failure = (status: number | null, body: unknown = null, headers: Record<string, string> = {}): HttpFailure => ({ status, headers, body });

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });
  it('reads an HTTP date, relative to now, never negative', () => {
    expect(parseRetryAfter('Mon, 02 Mar 2026 10:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:00:00 GMT', NOW)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
    expect(parseRetryAfter('', NOW)).toBeNull();
    expect(parseRetryAfter('-5', NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
  });
});

describe('classifyHttpFailure, generic part', () => {
  const classify = (f: HttpFailure) => classifyHttpFailure(f, { provider: 'acme', now });

  it.each([
    [401, AuthExpired],
    [403, ConfigError],
    [404, NotFound],
    [409, Conflict],
    [400, InvalidInput],
    [422, InvalidInput],
    [408, Transient],
    [500, Transient],
    [503, Transient],
  ])('status %i', (status, kind) => {
    expect(classify(failure(status))).toBeInstanceOf(kind);
  });

  it('429 carries Retry-After in milliseconds', () => {
    const e = classify(failure(429, null, { 'retry-after': '7' }));
    expect(e).toBeInstanceOf(RateLimited);
    expect((e as RateLimited).retryAfterMs).toBe(7000);
    expect(classify(failure(429, null, { 'retry-after': 'Mon, 02 Mar 2026 10:01:00 GMT' }))).toMatchObject({ retryAfterMs: 60_000 });
    expect(classify(failure(429))).toMatchObject({ retryAfterMs: null });
  });

  it('a 503 with Retry-After keeps it for the retry decision', () => {
    expect(classify(failure(503, null, { 'retry-after': '3' })).details.retryAfterMs).toBe(3000);
  });

  it('no response is transient and names the network code', () => {
    const e = classify({ status: null, headers: {}, body: null, networkCode: 'ECONNRESET' });
    expect(e).toBeInstanceOf(Transient);
    expect(e.message).toContain('ECONNRESET');
  });

  it('puts the body message in the error text and the status in details', () => {
    const e = classify(failure(400, { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred' }));
    expect(e.message).toBe('acme answered 400: A validation exception occurred');
    expect(e.toJSON()).toMatchObject({ code: 'invalid', provider: 'acme', status: 400 });
  });
});

describe('provider hooks', () => {
  // Bodies in the shapes of /work/shared/providers/README.md.
  const qboFault = (code: string, status: number) =>
    failure(status, { Fault: { Error: [{ Message: 'msg', Detail: 'detail', code, element: '' }], type: 'AuthenticationFault' }, time: '2026-03-02T02:00:00.000-08:00' });

  it('QuickBooks Fault codes: 3200 → AuthExpired, 5010 → Conflict, 003001 → RateLimited', () => {
    const opts = { provider: 'quickbooks', hook: quickbooksHook, now };
    expect(classifyHttpFailure(qboFault('3200', 401), opts)).toBeInstanceOf(AuthExpired);
    const stale = classifyHttpFailure(qboFault('5010', 400), opts);
    expect(stale).toBeInstanceOf(Conflict);
    expect(stale.details.providerCode).toBe('5010');
    const throttled = classifyHttpFailure({ ...qboFault('003001', 429), headers: { 'retry-after': '60' } }, opts);
    expect(throttled).toBeInstanceOf(RateLimited);
    expect((throttled as RateLimited).retryAfterMs).toBe(60_000);
  });

  it('QuickBooks: an unknown Fault code falls back to the generic reading', () => {
    expect(classifyHttpFailure(qboFault('6000', 400), { provider: 'quickbooks', hook: quickbooksHook, now })).toBeInstanceOf(InvalidInput);
  });

  it('Xero X-Rate-Limit-Problem: minute → RateLimited, day → DailyAllowanceExhausted with its reset', () => {
    const opts = { provider: 'xero', hook: xeroHook(now), now };
    const minute = classifyHttpFailure(failure(429, null, { 'retry-after': '23', 'x-rate-limit-problem': 'minute' }), opts);
    expect(minute).toBeInstanceOf(RateLimited);
    expect(minute.details.problem).toBe('minute');
    const day = classifyHttpFailure(failure(429, null, { 'retry-after': '3600', 'x-rate-limit-problem': 'day' }), opts);
    expect(day).toBeInstanceOf(DailyAllowanceExhausted);
    expect((day as DailyAllowanceExhausted).resetAt.toISOString()).toBe('2026-03-02T11:00:00.000Z');
  });

  it('HubSpot policyName: TEN_SECONDLY_ROLLING → RateLimited, DAILY → DailyAllowanceExhausted', () => {
    const opts = { provider: 'hubspot', hook: hubspotHook(now), now };
    const body = (policyName: string) => ({ status: 'error', message: 'You have reached your limit.', errorType: 'RATE_LIMIT', correlationId: 'c1', policyName });
    const rolling = classifyHttpFailure(failure(429, body('TEN_SECONDLY_ROLLING')), opts);
    expect(rolling).toBeInstanceOf(RateLimited);
    expect((rolling as RateLimited).retryAfterMs).toBe(10_000);
    expect(classifyHttpFailure(failure(429, body('DAILY')), opts)).toBeInstanceOf(DailyAllowanceExhausted);
  });
});

describe('toHttpFailure and classifyError', () => {
  it('reads an axios-shaped error', () => {
    const axiosError = Object.assign(new Error('Request failed with status code 429'), {
      isAxiosError: true,
      response: { status: 429, headers: { 'Retry-After': '2' }, data: { message: 'slow down' } },
    });
    const e = classifyError(axiosError, { provider: 'x', now });
    expect(e).toBeInstanceOf(RateLimited);
    expect(e).toMatchObject({ retryAfterMs: 2000, cause: axiosError });
  });

  it('reads a fetch Response through HttpStatusError', async () => {
    const response = new Response(JSON.stringify({ message: 'gone' }), { status: 404, headers: { 'content-type': 'application/json' } });
    const e = classifyError(new HttpStatusError(await failureFromResponse(response)), { provider: 'x', now });
    expect(e).toBeInstanceOf(NotFound);
    expect((e as NotFound).message).toBe('x answered 404: gone');
  });

  it('reads the socket code fetch hides in its cause', () => {
    const fetchError = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    expect(toHttpFailure(fetchError)).toMatchObject({ status: null, networkCode: 'ECONNRESET' });
    expect(classifyError(fetchError, { provider: 'x' })).toBeInstanceOf(Transient);
  });

  it('leaves taxonomy errors and bugs untouched', () => {
    const conflict = new Conflict('c');
    expect(classifyError(conflict, { provider: 'x' })).toBe(conflict);
    const bug = new TypeError('cannot read properties of undefined');
    expect(classifyError(bug, { provider: 'x' })).toBe(bug);
  });
});
