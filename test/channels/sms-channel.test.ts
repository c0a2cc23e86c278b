import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, RateLimited, Transient } from '../../core/errors.ts';
import { DeliveryRejected, TwilioSmsChannel, decideSendRetry } from '../../core/channels/index.ts';

const BASE = 'https://sms.example.test';
const PATH = '/2010-04-01/Accounts/AC123/Messages.json';

describe('TwilioSmsChannel (HTTP faked with nock)', () => {
  const channel = new TwilioSmsChannel({ baseUrl: BASE, accountSid: 'AC123', authToken: 'secret', from: '+15005550006' });
  const send = (to = '+33612345678') => channel.send({ channel: 'sms', idempotencyKey: 'k1', to, text: 'Rappel : 1 000,00 € dus' });

  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('posts the form with Basic auth and answers the message SID', async () => {
    const scope = nock(BASE)
      .post(PATH, (body: Record<string, string>) => body.To === '+33612345678' && body.From === '+15005550006' && body.Body === 'Rappel : 1 000,00 € dus')
      .basicAuth({ user: 'AC123', pass: 'secret' })
      .reply(201, { sid: 'SM0123456789abcdef', status: 'queued' });
    await expect(send()).resolves.toEqual({ providerMessageId: 'SM0123456789abcdef' });
    expect(scope.isDone()).toBe(true);
  });

  it('uses the messaging service instead of From when configured', async () => {
    const viaService = new TwilioSmsChannel({ baseUrl: BASE, accountSid: 'AC123', authToken: 'secret', messagingServiceSid: 'MG1' });
    const scope = nock(BASE)
      .post(PATH, (body: Record<string, string>) => body.MessagingServiceSid === 'MG1' && body.From === undefined)
      .reply(201, { sid: 'SM2' });
    await expect(viaService.send({ channel: 'sms', idempotencyKey: 'k', to: '+33612345678', text: 'x' })).resolves.toEqual({ providerMessageId: 'SM2' });
    expect(scope.isDone()).toBe(true);
  });

  it('makes a 400 "invalid To" (21211) a permanent hard bounce', async () => {
    nock(BASE).post(PATH).reply(400, { code: 21211, message: "The 'To' number +33612345678 is not a valid phone number.", status: 400 });
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryRejected);
    expect(error).toMatchObject({ hardBounce: true, retryable: false, address: '+33612345678' });
    expect(decideSendRetry(error, 1)).toMatchObject({ retry: false, markAddressInvalid: true });
  });

  it('makes another 4xx permanent without blaming the number', async () => {
    nock(BASE).post(PATH).reply(400, { code: 21602, message: 'Message body is required.', status: 400 });
    const error = await send().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'delivery_rejected', hardBounce: false });
  });

  it('makes a 5xx transient, retried with back-off', async () => {
    nock(BASE).post(PATH).reply(503, { code: 20500, message: 'Service unavailable' });
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Transient);
    expect(decideSendRetry(error, 2, () => 0.25)).toEqual({ retry: true, delayMs: 5 * 60_000 });
    expect(decideSendRetry(error, 9)).toMatchObject({ retry: false });
  });

  it('honours Retry-After on 429', async () => {
    nock(BASE).post(PATH).reply(429, { code: 20429, message: 'Too Many Requests' }, { 'Retry-After': '1800' });
    const error = await send().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect(decideSendRetry(error, 1, () => 0)).toEqual({ retry: true, delayMs: 1_800_000 });
  });

  it('makes 401 a configuration error', async () => {
    nock(BASE).post(PATH).reply(401, { code: 20003, message: 'Authenticate' });
    await expect(send()).rejects.toBeInstanceOf(ConfigError);
  });

  it('refuses a number that is not E.164 before calling anyone', async () => {
    const error = await send('06 12 34 56 78').catch((e: unknown) => e);
    expect(error).toMatchObject({ hardBounce: true });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('treats a network failure as transient', async () => {
    nock(BASE).post(PATH).replyWithError('socket hang up');
    await expect(send()).rejects.toBeInstanceOf(Transient);
  });
});
