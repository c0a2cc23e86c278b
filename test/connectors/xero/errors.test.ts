/**
 * Xero's error answers through the connector, with nock: each limit a 429 names, the daily
 * allowance (refused and nearly spent), an expired token, validation, not found, server and network
 * failures — classified by the Xero hook and handled by core/http's one retry path.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthExpired, ConfigError, InvalidInput, NotFound, RateLimited, Transient } from '../../../core/errors.ts';
import { DailyAllowanceExhausted, type HttpFailure } from '../../../core/http/index.ts';
import { xeroConnector } from '../../../connectors/xero/index.ts';
import { sdkFailure } from '../../../connectors/xero/client.ts';
import { validationMessages, xeroErrorHook } from '../../../connectors/xero/errors.ts';
import { API, listAnswer, stopLimiters, testContext } from './support.ts';

const PATH = '/api.xro/2.0/Invoices';
const invoice = { InvoiceID: 'a', UpdatedDateUTC: '/Date(1767312000000+0000)/' };

function problem(status: number, title: string, detail: string) {
  return { Type: null, Title: title, Status: status, Detail: detail, Instance: 'x', Extensions: {} };
}

async function drain(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await stopLimiters();
});

describe('xero limits through the connector', () => {
  it.each(['minute', 'appminute', 'concurrent'])('waits out a 429 (%s) for Retry-After, then goes on', async (name) => {
    const context = testContext();
    nock(API)
      .get(PATH).query(true)
      .reply(429, problem(429, 'Too Many Requests', `You have exceeded the ${name} rate limit`), { 'Retry-After': '7', 'X-Rate-Limit-Problem': name })
      .get(PATH).query(true)
      .reply(200, listAnswer('Invoices', [invoice]));
    const pages = await drain(xeroConnector.connect(context).pull('invoice', null));
    expect(pages).toHaveLength(1);
    expect(context.clock.sleeps).toContain(7000);
    expect(context.attempts.map((a) => a.outcome)).toEqual(['rate_limited', 'ok']);
  });

  it('gives up after the retries of a 429 storm, with RateLimited', async () => {
    const context = testContext();
    nock(API).get(PATH).query(true).times(4).reply(429, problem(429, 'Too Many Requests', 'minute'), { 'Retry-After': '1', 'X-Rate-Limit-Problem': 'minute' });
    const error = await drain(xeroConnector.connect(context).pull('invoice', null)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).details).toMatchObject({ problem: 'minute', status: 429 });
    expect(context.attempts).toHaveLength(4);
  });

  it('stops at a day 429 with the reset time, and refuses further calls of the tenant without asking Xero', async () => {
    const context = testContext();
    const scope = nock(API).get(PATH).query(true).reply(429, problem(429, 'Too Many Requests', 'day'), { 'Retry-After': '3600', 'X-Rate-Limit-Problem': 'day' });
    const session = xeroConnector.connect(context);
    const error = await drain(session.pull('invoice', null)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DailyAllowanceExhausted);
    expect((error as DailyAllowanceExhausted).resetAt.toISOString()).toBe(new Date(context.clock.now() + 3_600_000).toISOString());
    expect(scope.isDone()).toBe(true);
    // No interceptor left: a second call reaching the network would fail differently.
    const again = await drain(session.pull('customer', null)).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(DailyAllowanceExhausted);
  });

  it('stops cleanly once Xero says the daily allowance is nearly spent (X-DayLimit-Remaining)', async () => {
    const context = testContext();
    const full = Array.from({ length: 1000 }, (_, i) => ({ InvoiceID: `id-${String(i).padStart(4, '0')}`, UpdatedDateUTC: '/Date(1767312000000+0000)/' }));
    // 490 left of 5000: under the 10 % Relance leaves for the user's other apps and write-back.
    nock(API).get(PATH).query(true).reply(200, listAnswer('Invoices', full), { 'X-DayLimit-Remaining': '490', 'X-MinLimit-Remaining': '50' });
    const pages: unknown[] = [];
    const error = await (async () => {
      for await (const page of xeroConnector.connect(context).pull('invoice', null)) pages.push(page);
    })().catch((e: unknown) => e);
    expect(pages).toHaveLength(1);
    expect(error).toBeInstanceOf(DailyAllowanceExhausted);
    expect(context.attempts.filter((a) => a.outcome === 'ok')).toHaveLength(1);
  });
});

describe('xero tokens and errors through the connector', () => {
  it('refreshes once on a 401 and retries with the new token', async () => {
    const context = testContext();
    const auths: string[] = [];
    nock(API)
      .get(PATH).query(true)
      .reply(function () {
        auths.push(this.req.headers.authorization as string);
        return [401, problem(401, 'Unauthorized', 'TokenExpired: token expired at 2026-03-02T09:59:00Z')];
      })
      .get(PATH).query(true)
      .reply(function () {
        auths.push(this.req.headers.authorization as string);
        return [200, listAnswer('Invoices', [invoice])];
      });
    await drain(xeroConnector.connect(context).pull('invoice', null));
    expect(auths).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(context.tokens.refreshes).toEqual(['access-1']);
  });

  it('gives up with AuthExpired when the new token is refused too', async () => {
    const context = testContext();
    nock(API).get(PATH).query(true).times(2).reply(401, problem(401, 'Unauthorized', 'AuthenticationUnsuccessful'));
    await expect(drain(xeroConnector.connect(context).pull('invoice', null))).rejects.toBeInstanceOf(AuthExpired);
    expect(context.tokens.refreshes).toHaveLength(1);
  });

  it('reads a 403 (tenant not granted) as a configuration problem, not retried', async () => {
    const context = testContext();
    nock(API).get(PATH).query(true).reply(403, problem(403, 'Forbidden', 'AuthenticationUnsuccessful'));
    await expect(drain(xeroConnector.connect(context).pull('invoice', null))).rejects.toBeInstanceOf(ConfigError);
    expect(context.attempts).toHaveLength(1);
  });

  it('names the validation messages of a 400', async () => {
    nock(API).get(PATH).query(true).reply(400, { ErrorNumber: 16, Type: 'QueryParseException', Message: "No property or field 'Nope' exists in type 'Invoice'" });
    const error = await drain(xeroConnector.connect(testContext()).pull('invoice', null)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as Error).message).toBe("xero answered 400: No property or field 'Nope' exists in type 'Invoice'");
  });

  it('retries a 500 and a dropped connection, then succeeds', async () => {
    const context = testContext();
    nock(API)
      .get(PATH).query(true).reply(500, { ErrorNumber: 500, Type: 'UnknownErrorException', Message: 'An error occurred in Xero.' })
      .get(PATH).query(true).replyWithError('socket hang up')
      .get(PATH).query(true).reply(200, listAnswer('Invoices', [invoice]));
    const pages = await drain(xeroConnector.connect(context).pull('invoice', null));
    expect(pages).toHaveLength(1);
    expect(context.attempts.map((a) => a.outcome)).toEqual(['transient', 'transient', 'ok']);
  });

  it('gives up on a 503 that persists, as Transient', async () => {
    const context = testContext();
    nock(API).get(PATH).query(true).times(3).reply(503, 'Service Unavailable');
    await expect(drain(xeroConnector.connect(context).pull('invoice', null))).rejects.toBeInstanceOf(Transient);
    expect(context.attempts).toHaveLength(3);
  });

  it('reads an unknown invoice as NotFound when writing a note', async () => {
    nock(API).put('/api.xro/2.0/Invoices/missing/History').reply(404, "The resource you're looking for cannot be found", { 'Content-Type': 'text/plain' });
    const push = xeroConnector.connect(testContext()).push({ kind: 'set_disputed', invoiceExternalId: 'missing', disputed: true });
    await expect(push).rejects.toBeInstanceOf(NotFound);
  });
});

describe('the Xero hook and the SDK error shape', () => {
  const failure = (status: number, headers: Record<string, string>, body: unknown): HttpFailure => ({ status, headers, body });
  const hook = xeroErrorHook(() => Date.parse('2026-03-02T10:00:00Z'));

  it('gives a day 429 without Retry-After a reset a day later', () => {
    const error = hook(failure(429, { 'x-rate-limit-problem': 'day' }, null), { provider: 'xero', retryAfterMs: null, message: '' });
    expect(error).toBeInstanceOf(DailyAllowanceExhausted);
    expect((error as DailyAllowanceExhausted).resetAt.toISOString()).toBe('2026-03-03T10:00:00.000Z');
  });

  it('leaves what it does not know to the generic reading', () => {
    expect(hook(failure(500, {}, null), { provider: 'xero', retryAfterMs: null, message: '' })).toBeUndefined();
    expect(hook(failure(400, {}, 'plain text'), { provider: 'xero', retryAfterMs: null, message: '' })).toBeUndefined();
  });

  it('collects every nested validation message', () => {
    const body = { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: [{ ValidationErrors: [{ Message: 'The Details field is mandatory.' }, { Message: 'Second.' }] }] };
    expect(validationMessages(body)).toEqual(['The Details field is mandatory.', 'Second.']);
  });

  it('turns xero-node\'s serialised rejection back into an HTTP failure; anything else passes untouched', () => {
    const serialised = JSON.stringify({ response: { statusCode: 429, body: { Title: 'Too Many Requests' }, headers: { 'Retry-After': '5' } }, body: {} });
    const converted = sdkFailure(serialised) as { failure: HttpFailure };
    expect(converted.failure).toMatchObject({ status: 429, headers: { 'retry-after': '5' } });
    const bug = new TypeError('Required parameter xeroTenantId was null or undefined');
    expect(sdkFailure(bug)).toBe(bug);
  });
});
