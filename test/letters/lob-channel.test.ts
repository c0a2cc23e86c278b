import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryRejected, LobLetterChannel, type LetterMessage } from '../../core/channels/index.ts';
import { ConfigError, InvalidInput, RateLimited, Transient } from '../../core/errors.ts';
import { createLetterSimulator } from '../../sandbox/letters/index.ts';

const PDF = new TextEncoder().encode('%PDF-1.7\n% a letter\n');
const message: LetterMessage = {
  channel: 'letter', idempotencyKey: 'org:cust:3:2026-03-02', pdf: PDF, description: 'Mise en demeure de payer — F-1',
  to: { name: 'Boulangerie Martin & Fils', address: { lines: ['4 place du Marché'], postalCode: '69002', city: 'Lyon', country: 'FR' } },
  from: { name: 'Atelier Dupont SAS', address: { lines: ['12 rue des Tanneurs', 'Bâtiment B'], postalCode: '75011', city: 'Paris', country: 'FR' } },
};
const BASE = 'https://api.lob.example';

describe('LobLetterChannel (Lob faked with nock)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('posts the PDF as multipart with both addresses, Basic auth and the idempotency key', async () => {
    let body = '';
    const scope = nock(BASE, { reqheaders: { authorization: `Basic ${Buffer.from('test_key:').toString('base64')}`, 'idempotency-key': message.idempotencyKey } })
      .post('/v1/letters', (b: string) => ((body = b), true))
      .reply(200, { id: 'ltr_123', expected_delivery_date: '2026-03-09' });
    const result = await new LobLetterChannel({ baseUrl: BASE, apiKey: 'test_key', extraService: 'registered' }).send(message);
    expect(result).toEqual({ providerMessageId: 'ltr_123', document: PDF });
    scope.done();
    for (const [field, value] of [['to[address_line1]', '4 place du Marché'], ['to[address_city]', 'Lyon'], ['to[address_zip]', '69002'], ['to[address_country]', 'FR'],
      ['from[address_line2]', 'Bâtiment B'], ['use_type', 'operational'], ['extra_service', 'registered'], ['address_placement', 'insert_blank_page']]) {
      expect(body).toContain(`name="${field}"\r\n\r\n${value}\r\n`);
    }
    expect(body).toContain('%PDF-1.7');
  });

  it.each([
    [422, { error: { message: 'to.address_line1 is required', status_code: 422 } }, DeliveryRejected],
    [401, { error: { message: 'Your API key is not valid.', status_code: 401 } }, ConfigError],
    [500, { error: { message: 'internal', status_code: 500 } }, Transient],
  ])('classifies HTTP %i', async (status, reply, kind) => {
    nock(BASE).post('/v1/letters').reply(status, reply);
    await expect(new LobLetterChannel({ baseUrl: BASE, apiKey: 'k' }).send(message)).rejects.toBeInstanceOf(kind);
  });

  it('honours Retry-After on 429', async () => {
    nock(BASE).post('/v1/letters').reply(429, { error: { message: 'slow down' } }, { 'retry-after': '7' });
    const e = await new LobLetterChannel({ baseUrl: BASE, apiKey: 'k' }).send(message).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RateLimited);
    expect((e as RateLimited).retryAfterMs).toBe(7000);
  });

  it('refuses a letter without addresses or a non-PDF before any call', async () => {
    const channel = new LobLetterChannel({ baseUrl: BASE, apiKey: 'k' });
    await expect(channel.send({ ...message, to: null })).rejects.toMatchObject({ details: { field: 'to' } });
    await expect(channel.send({ ...message, pdf: new Uint8Array([1, 2]) })).rejects.toBeInstanceOf(InvalidInput);
    expect(() => new LobLetterChannel({ apiKey: '' })).toThrow(/letter\.apiKey/);
  });
});

describe('LobLetterChannel against the sandbox simulator', () => {
  it('creates one letter per idempotency key, and the simulator enforces what Lob checks', async () => {
    nock.enableNetConnect('127.0.0.1');
    const sim = createLetterSimulator('test_sim');
    const url = await sim.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const channel = new LobLetterChannel({ baseUrl: url, apiKey: 'test_sim' });
      const first = await channel.send(message);
      const again = await channel.send(message);
      expect(again.providerMessageId).toBe(first.providerMessageId);
      expect(sim.letters).toHaveLength(1);
      expect(sim.letters[0]).toMatchObject({ to: { name: 'Boulangerie Martin & Fils', address_city: 'Lyon', address_country: 'FR' }, from: { address_line1: '12 rue des Tanneurs' } });
      const noCountry = { ...message, idempotencyKey: 'other', to: { ...message.to!, address: { lines: ['1 rue X'], city: 'Lyon' } } };
      await expect(channel.send(noCountry)).rejects.toThrow(/to\[address_country\] is required/);
      await expect(new LobLetterChannel({ baseUrl: url, apiKey: 'wrong' }).send({ ...message, idempotencyKey: 'k2' })).rejects.toBeInstanceOf(ConfigError);
    } finally {
      await sim.app.close();
    }
  });
});
