/**
 * The Companies House client against the API's documented shapes, its HTTP faked with nock: Basic
 * auth with the key as user name, the insolvency resource read only when the profile says there is
 * history, a 429 retried after `Retry-After` through core/http, a 404 as "no such company", and an
 * answer the schema does not accept refused naming the field.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { companiesHouse } from '../../core/credit/registry/index.ts';

const BASE = 'https://ch.example';
const key = 'abc123';
const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('companiesHouse()', () => {
  it('reads the profile and its insolvency cases, retrying a 429 after Retry-After', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: auth } })
      .get('/company/00012345').reply(429, { error: 'too many' }, { 'retry-after': '0' })
      .get('/company/00012345').reply(200, {
        company_number: '00012345', company_name: 'ACME WIDGETS LTD', company_status: 'administration', has_insolvency_history: true,
        registered_office_address: { premises: '2', address_line_1: 'Mill Lane', locality: 'Leeds', postal_code: 'LS1 4AP', country: 'England' },
      })
      .get('/company/00012345/insolvency').reply(200, { etag: 'e', cases: [{ type: 'in-administration', number: 1, dates: [{ type: 'administration-started-on', date: '2026-10-01' }] }] });
    const answer = await companiesHouse({ apiKey: key, baseUrl: BASE }).lookup('12345');
    expect(scope.isDone()).toBe(true);
    expect(answer!.company).toEqual({
      companyNumber: '00012345', name: 'ACME WIDGETS LTD', status: 'administration', hasInsolvencyHistory: true,
      insolvencyCases: [{ type: 'in-administration', number: '1', dates: [{ type: 'administration-started-on', date: '2026-10-01' }] }],
      address: { lines: ['2 Mill Lane'], postalCode: 'LS1 4AP', city: 'Leeds', region: null, country: 'England' },
    });
  });

  it('does not ask for insolvency without history, and answers null for an unknown number', async () => {
    const scope = nock(BASE)
      .get('/company/SC123456').reply(200, { company_number: 'SC123456', company_name: 'SCOT LTD', company_status: 'active', has_insolvency_history: false })
      .get('/company/00000001').reply(404, { errors: [{ error: 'company-profile-not-found', type: 'ch:service' }] });
    const ch = companiesHouse({ apiKey: key, baseUrl: BASE });
    expect((await ch.lookup('sc 123456'))!.company.insolvencyCases).toEqual([]);
    expect(await ch.lookup('1')).toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a profile without its company number, naming the field', async () => {
    nock(BASE).get('/company/00000002').reply(200, { company_name: 'NO NUMBER LTD' });
    await expect(companiesHouse({ apiKey: key, baseUrl: BASE }).lookup('2')).rejects.toMatchObject({ details: { field: 'company_number' } });
  });
});
