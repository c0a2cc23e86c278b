/**
 * QuickBooks writes (sparse update with SyncToken, retried on a stale object), OAuth (authorization
 * URL, code exchange, refresh grant), company settings read at connect, and webhooks (signature,
 * both payload forms), against nock.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { quickbooksConnector, signWebhook } from '../../../connectors/quickbooks/index.ts';
import { NOTE_MARKER, splitPrivateNote, withNoteLine } from '../../../connectors/quickbooks/writes/private-note.ts';
import { API, BASE, REALM, context, settings, strictNock } from './context.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const clock = { now: () => NOW, sleep: async () => {} };
const staleFault = { Fault: { Error: [{ Message: 'Stale Object Error', Detail: 'You and someone else are working on the same thing', code: '5010', element: 'SyncToken' }], type: 'ValidationFault' }, time: '2026-03-01T04:00:00.000-08:00' };

strictNock();

describe('write-back by sparse update', () => {
  it('writes the stage into the configured custom field and appends a note line, with the SyncToken read', async () => {
    nock(BASE).get(`${API}/invoice/130`).query(true).reply(200, { Invoice: { Id: '130', SyncToken: '3', PrivateNote: 'Keep for audit' } });
    let sent: Record<string, unknown> = {};
    nock(BASE).post(`${API}/invoice`).query((q) => q.operation === 'update').reply((_uri, body) => {
      sent = body as Record<string, unknown>;
      return [200, { Invoice: { Id: '130', SyncToken: '4' } }];
    });
    const result = await quickbooksConnector.connect(context({ clock })).push({ kind: 'set_dunning_stage', invoiceExternalId: '130', stage: 'reminder-2' });
    expect(result).toEqual({ externalId: '130', version: '4', attempts: 1 });
    expect(sent).toEqual({
      Id: '130', SyncToken: '3', sparse: true,
      CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: 'reminder-2' }],
      PrivateNote: `Keep for audit\n${NOTE_MARKER}\n[Relance 2026-03-01] Dunning stage: reminder-2`,
    });
  });

  it('re-reads and retries on a stale-object conflict (5010), with the new SyncToken', async () => {
    nock(BASE).get(`${API}/invoice/130`).query(true).reply(200, { Invoice: { Id: '130', SyncToken: '3' } });
    nock(BASE).post(`${API}/invoice`).query(true).reply(400, staleFault);
    nock(BASE).get(`${API}/invoice/130`).query(true).reply(200, { Invoice: { Id: '130', SyncToken: '4', PrivateNote: 'edited meanwhile' } });
    const tokensSent: unknown[] = [];
    nock(BASE).post(`${API}/invoice`).query(true).reply((_uri, body) => {
      tokensSent.push((body as { SyncToken: unknown }).SyncToken);
      return [200, { Invoice: { Id: '130', SyncToken: '5' } }];
    });
    const result = await quickbooksConnector.connect(context({ clock })).push({ kind: 'set_disputed', invoiceExternalId: '130', disputed: true });
    expect(result).toEqual({ externalId: '130', version: '5', attempts: 2 });
    expect(tokensSent).toEqual(['4']);
  });

  it('gives up after repeated conflicts with a Conflict error', async () => {
    nock(BASE).get(`${API}/invoice/130`).query(true).times(4).reply(200, { Invoice: { Id: '130', SyncToken: '3' } });
    nock(BASE).post(`${API}/invoice`).query(true).times(4).reply(400, staleFault);
    await expect(quickbooksConnector.connect(context({ clock })).push({ kind: 'set_dunning_stage', invoiceExternalId: '130', stage: 'x' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('reports an unknown invoice as NotFound (Fault 610)', async () => {
    nock(BASE).get(`${API}/invoice/999`).query(true).reply(400, { Fault: { Error: [{ Message: 'Object Not Found', code: '610' }], type: 'ValidationFault' } });
    await expect(quickbooksConnector.connect(context({ clock })).push({ kind: 'set_dunning_stage', invoiceExternalId: '999', stage: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('writes only the note when no custom field is configured', async () => {
    nock(BASE).get(`${API}/invoice/7`).query(true).reply(200, { Invoice: { Id: '7', SyncToken: '0' } });
    let sent: Record<string, unknown> = {};
    nock(BASE).post(`${API}/invoice`).query(true).reply((_uri, body) => {
      sent = body as Record<string, unknown>;
      return [200, { Invoice: { Id: '7', SyncToken: '1' } }];
    });
    await quickbooksConnector.connect(context({ clock, settings: settings({ extra: {} }) })).push({ kind: 'set_dunning_stage', invoiceExternalId: '7', stage: 's1' });
    expect(sent).not.toHaveProperty('CustomField');
  });

  it('keeps the private note within its 4000 characters, dropping only its own oldest lines', () => {
    let note: string | null = 'Accountant: call Jane before chasing.\n' + 'x'.repeat(3000);
    for (let i = 0; i < 70; i++) note = withNoteLine(note, `Customer promised to pay ${i}.00 USD by 2026-04-01`, new Date(NOW)) ?? note;
    expect(note!.length).toBeLessThanOrEqual(4000);
    const { own, lines } = splitPrivateNote(note!);
    expect(own).toBe('Accountant: call Jane before chasing.\n' + 'x'.repeat(3000));
    expect(lines.at(-1)).toBe('[Relance 2026-03-01] Customer promised to pay 69.00 USD by 2026-04-01');
    expect(note!.split(NOTE_MARKER)).toHaveLength(2);
  });

  it('does not write the same line twice, and never writes into a memo the accountant filled', () => {
    const once = withNoteLine('Own text', 'Customer promised to pay 10.00 USD by 2026-04-01', new Date(NOW))!;
    expect(withNoteLine(once, 'Customer promised to pay 10.00 USD by 2026-04-01', new Date(NOW + 86_400_000))).toBeNull();
    expect(withNoteLine('y'.repeat(4000), 'Dunning stage: 2', new Date(NOW))).toBeNull();
  });

  it('sends no update when the promise is already in the memo', async () => {
    const note = withNoteLine('Own text', 'Customer promised to pay 10.00 USD by 2026-04-01', new Date(NOW))!;
    nock(BASE).get(`${API}/invoice/7`).query(true).reply(200, { Invoice: { Id: '7', SyncToken: '3', PrivateNote: note } });
    const result = await quickbooksConnector.connect(context({ clock, settings: settings({ extra: {} }) }))
      .push({ kind: 'promise_recorded', invoiceExternalId: '7', amount: '10.00', currency: 'USD', date: '2026-04-01' });
    expect(result).toMatchObject({ externalId: '7', version: '3' });
    expect(nock.isDone()).toBe(true);
  });
});

describe('company settings at connect time', () => {
  it('reads the company name, country and home currency', async () => {
    nock(BASE).get(`${API}/companyinfo/${REALM}`).query(true).reply(200, { CompanyInfo: { CompanyName: 'Hollis Garden Supply', Country: 'US' } });
    nock(BASE).get(`${API}/preferences`).query(true).reply(200, { Preferences: { CurrencyPrefs: { HomeCurrency: { value: 'USD' } } } });
    const info = await quickbooksConnector.connect(context({ clock })).accountInfo!();
    expect(info).toEqual({ displayName: 'Hollis Garden Supply', homeCurrency: 'USD', country: 'US', senderAddress: null, timezone: null });
  });
});

describe('OAuth', () => {
  it('builds the authorization URL with the accounting scope, redirect and state', () => {
    const url = new URL(quickbooksConnector.auth.authorizationUrl({ clientId: 'cid', redirectUri: 'http://127.0.0.1:3000/oauth/quickbooks/callback', state: 's1' }));
    expect(url.origin + url.pathname).toBe('https://appcenter.intuit.com/connect/oauth2');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'cid', response_type: 'code', scope: 'com.intuit.quickbooks.accounting', redirect_uri: 'http://127.0.0.1:3000/oauth/quickbooks/callback', state: 's1' });
  });

  it('exchanges a code with HTTP Basic client authentication', async () => {
    nock(BASE).post('/oauth2/v1/tokens/bearer', (body: Record<string, string>) => body.grant_type === 'authorization_code' && body.code === 'c1' && body.redirect_uri === 'http://cb')
      .basicAuth({ user: 'cid', pass: 'csecret' })
      .reply(200, { access_token: 'a1', refresh_token: 'r1', expires_in: 3600, token_type: 'bearer', x_refresh_token_expires_in: 8726400 });
    const tokens = await quickbooksConnector.auth.exchangeCode({ clientId: 'cid', clientSecret: 'csecret', tokenUrl: `${BASE}/oauth2/v1/tokens/bearer`, redirectUri: 'http://cb', code: 'c1' });
    expect(tokens).toMatchObject({ accessToken: 'a1', refreshToken: 'r1' });
    expect(tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('reports a refused code as AuthExpired', async () => {
    nock(BASE).post('/oauth2/v1/tokens/bearer').reply(400, { error: 'invalid_grant' });
    await expect(quickbooksConnector.auth.exchangeCode({ clientId: 'cid', clientSecret: 'csecret', tokenUrl: `${BASE}/oauth2/v1/tokens/bearer`, redirectUri: 'http://cb', code: 'used' })).rejects.toMatchObject({ code: 'auth_expired' });
  });

  it('refreshes with the rotated refresh token kept', async () => {
    nock(BASE).post('/oauth2/v1/tokens/bearer', (body: Record<string, string>) => body.grant_type === 'refresh_token' && body.refresh_token === 'r1')
      .reply(200, { access_token: 'a2', refresh_token: 'r2', expires_in: 3600 });
    const next = await quickbooksConnector.auth.refreshGrant(settings())('r1');
    expect(next).toMatchObject({ accessToken: 'a2', refreshToken: 'r2' });
  });
});

describe('webhooks', () => {
  const raw = readFileSync(new URL('../../fixtures/providers/quickbooks/webhook.json', import.meta.url), 'utf8');

  it('accepts the intuit-signature of the raw body and refuses any other', () => {
    const good = signWebhook('verifier', raw);
    expect(quickbooksConnector.verifyWebhook({ 'intuit-signature': good }, raw, 'verifier')).toBe(true);
    expect(quickbooksConnector.verifyWebhook({ 'intuit-signature': good }, raw + ' ', 'verifier')).toBe(false);
    expect(quickbooksConnector.verifyWebhook({ 'intuit-signature': signWebhook('other', raw) }, raw, 'verifier')).toBe(false);
    expect(quickbooksConnector.verifyWebhook({}, raw, 'verifier')).toBe(false);
  });

  it('names the changed records of the entities Relance syncs', () => {
    const changes = quickbooksConnector.parseWebhook({
      eventNotifications: [{ realmId: REALM, dataChangeEvent: { entities: [
        { name: 'Invoice', id: '130', operation: 'Update', lastUpdated: '2026-02-19T18:00:00.000Z' },
        { name: 'Item', id: '5', operation: 'Create' },
        { name: 'CreditMemo', id: '9', operation: 'Delete' },
      ] } }],
    });
    expect(changes).toEqual([
      { accountId: REALM, stream: 'invoice', externalId: '130', operation: 'Update' },
      { accountId: REALM, stream: 'creditNote', externalId: '9', operation: 'Delete' },
    ]);
  });

  it('reads the CloudEvents form of the same notification', () => {
    const changes = quickbooksConnector.parseWebhook([
      { specversion: '1.0', id: 'e1', source: 'intuit', type: 'qbo.payment.created.v1', time: '2026-02-19T18:00:00Z', intuitentityid: '3313', intuitaccountid: REALM, data: {} },
    ]);
    expect(changes).toEqual([{ accountId: REALM, stream: 'payment', externalId: '3313', operation: 'created' }]);
  });

  it('names the field of a malformed notification', () => {
    expect(() => quickbooksConnector.parseWebhook({ eventNotifications: [{ dataChangeEvent: { entities: [] } }] })).toThrow(/eventNotifications\.0\.realmId/);
  });
});
