/**
 * Issue 13.8 and 13.10 for HubSpot: contract tests from HubSpot's own reference
 * (test/fixtures/providers/hubspot-reference/, README there). The `SimplePublicObject` example runs
 * through the company mapping (with HubSpot's default address properties, 13.7); the simulator's
 * company answers have its fields and types; the connector's company updates, searches and notes
 * follow the reference's operations and request schemas; and each documented webhook example is
 * read as HubSpot means it.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hubspotConnector } from '../../../connectors/hubspot/index.ts';
import { mapRecords } from '../../../core/mapping/index.ts';
import { generateWorld } from '../../../sandbox/generator/index.ts';
import { listenHubspotSimulator, type RunningHubspotSimulator } from '../../../sandbox/hubspot/listen.ts';
import { shapeDifferences } from '../../support/shape.ts';
import { API, company, stopLimiters, testSession } from './support.ts';

type Json = Record<string, unknown>;
const fixture = <T = Json>(name: string): T => JSON.parse(readFileSync(new URL(`../../fixtures/providers/hubspot-reference/${name}`, import.meta.url), 'utf8')) as T;
const reference = fixture<{ operations: Record<string, string[]>; schemas: Record<string, { properties: string[]; required: string[] }>; noteSchemas: Record<string, { properties: string[]; required: string[] }> }>('request-schemas.json');

/** The reference's path template a concrete path is an instance of. */
const operationOf = (path: string): string | undefined =>
  Object.keys(reference.operations).find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));

function follows(schema: { properties: string[]; required: string[] }, body: Json, name: string, optional: string[] = []): void {
  for (const key of Object.keys(body)) expect(schema.properties, `${name}.${key} is in the reference`).toContain(key);
  for (const key of schema.required) if (!optional.includes(key)) expect(body, `${name} requires ${key}`).toHaveProperty(key);
}

describe('the SimplePublicObject example through the company mapping', () => {
  it('maps its id and times; its properties are strings as HubSpot sends them', () => {
    const example = fixture('simple-public-object.json');
    const result = mapRecords('hubspot', 'company', [example]);
    expect(result.rejected).toEqual([]);
    expect(result.records[0]).toMatchObject({ externalId: '512', updatedAt: '2019-12-07T16:50:06.678Z' });
    for (const v of Object.values(example.properties as Json)) expect(typeof v).toBe('string');
  });

  it("with HubSpot's default address properties: the postal address, the country resolved and kept as typed", () => {
    const example = fixture('simple-public-object.json');
    const withAddress = { ...example, properties: { ...(example.properties as Json), name: 'Acme', address: '25 First Street', address2: 'Floor 2', city: 'Cambridge', state: 'MA', zip: '02141', country: 'United States' } };
    const narnia = { ...withAddress, id: '513', properties: { ...withAddress.properties, country: 'Narnia' } };
    const result = mapRecords('hubspot', 'company', [withAddress, narnia]);
    expect(result.rejected).toEqual([]);
    expect(result.records[0]!.address).toEqual({ lines: ['25 First Street', 'Floor 2'], city: 'Cambridge', postalCode: '02141', region: 'MA', country: 'US', countryRaw: 'United States' });
    // An unknown country is kept as written, never a refused record.
    expect(result.records[1]!.address).toEqual({ lines: ['25 First Street', 'Floor 2'], city: 'Cambridge', postalCode: '02141', region: 'MA', countryRaw: 'Narnia' });
  });
});

describe("the simulator's companies have the example's fields and types", () => {
  let sim: RunningHubspotSimulator;
  const world = generateWorld({ seed: 7, invoices: 60, asOf: '2026-03-01' });
  beforeAll(async () => {
    sim = await listenHubspotSimulator({ world, limits: false });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('GET /crm/v3/objects/companies/{id} and the address properties of a company that stands for a customer', async () => {
    const linked = world.hubspot.companies.find((c) => c.matchesCustomerId)!;
    const res = await fetch(`${sim.baseUrl}/crm/v3/objects/companies/${linked.id}?properties=name,address,city,zip,country`, { headers: { authorization: `Bearer ${sim.credentials.accessToken}` } });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Json;
    const example = fixture('simple-public-object.json');
    // Every field of the example, with its type (the example's own property names are placeholders).
    expect(shapeDifferences({ ...example, properties: {} }, answer)).toEqual([]);
    const props = answer.properties as Record<string, string | null>;
    for (const v of Object.values(props)) expect(v === null || typeof v === 'string').toBe(true);
    expect(props).toMatchObject({ address: expect.stringMatching(/Market Street$/), city: expect.any(String), zip: expect.any(String), country: expect.any(String) });
  });
});

describe("the connector's requests follow the reference's request schemas", () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await stopLimiters();
  });

  it('set_company_properties: POST /crm/v3/objects/companies/batch/update, inputs of {id, properties} with string values', async () => {
    const { session } = testSession();
    const seen: { method: string; path: string; body: Json }[] = [];
    nock(API).post(/.*/).reply(function (uri, body) {
      seen.push({ method: this.req.method ?? 'POST', path: uri.split('?')[0]!, body: body as Json });
      return [200, { status: 'COMPLETE', results: [company(42, '2026-03-02T10:00:00.000Z')] }];
    });
    await session.push({ kind: 'set_company_properties', companyExternalId: '42', properties: { nextAction: 'email, step 2', nextActionDate: '2026-03-20', portalLink: 'https://relance.example/portal/x', overdueAmount: '125.50', oldestOverdueDays: 28, paused: false } });
    expect(seen).toHaveLength(1);
    const op = operationOf(seen[0]!.path);
    expect(op).toBe('/crm/v3/objects/companies/batch/update');
    expect(reference.operations[op!]).toContain(seen[0]!.method);
    follows(reference.schemas.BatchInputSimplePublicObjectBatchInput!, seen[0]!.body, 'BatchInputSimplePublicObjectBatchInput');
    for (const input of seen[0]!.body.inputs as Json[]) {
      follows(reference.schemas.SimplePublicObjectBatchInput!, input, 'SimplePublicObjectBatchInput');
      for (const v of Object.values(input.properties as Json)) expect(typeof v).toBe('string');
    }
    expect((seen[0]!.body.inputs as Json[])[0]!.properties).toMatchObject({ relance_next_action: 'email, step 2', relance_next_action_date: '2026-03-20', relance_portal_link: 'https://relance.example/portal/x', relance_oldest_overdue_days: '28' });
  });

  it("a company pull: POST /crm/v3/objects/companies/search with the reference's fields (the first page without `after`, as HubSpot's examples)", async () => {
    const { session } = testSession();
    const seen: { method: string; path: string; body: Json }[] = [];
    nock(API).post(/.*/).reply(function (uri, body) {
      seen.push({ method: this.req.method ?? 'POST', path: uri.split('?')[0]!, body: body as Json });
      return [200, { total: 0, results: [] }];
    });
    for await (const page of session.pull('company', null)) void page;
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) {
      expect(operationOf(request.path)).toBe('/crm/v3/objects/companies/search');
      follows(reference.schemas.PublicObjectSearchRequest!, request.body, 'PublicObjectSearchRequest', ['after']);
      for (const group of request.body.filterGroups as Json[]) {
        follows(reference.schemas.FilterGroup!, group, 'FilterGroup');
        for (const filter of group.filters as Json[]) follows(reference.schemas.Filter!, filter, 'Filter');
      }
      // The company's address is asked for (13.7).
      expect(request.body.properties).toEqual(expect.arrayContaining(['address', 'address2', 'city', 'state', 'zip', 'country']));
    }
  });

  it('a note: POST /crm/v3/objects/notes with properties and associations as the reference has them', async () => {
    const { session } = testSession();
    const seen: { method: string; path: string; body: Json }[] = [];
    nock(API).post(/.*/).reply(function (uri, body) {
      seen.push({ method: this.req.method ?? 'POST', path: uri.split('?')[0]!, body: body as Json });
      return [uri.includes('/search') ? 200 : 201, uri.includes('/search') ? { total: 0, results: [] } : { id: '901', properties: {}, createdAt: '2026-03-02T10:00:00.000Z', updatedAt: '2026-03-02T10:00:00.000Z', archived: false }];
    });
    await session.addNote({ companyId: '42', body: 'Reminder 2 sent', at: new Date('2026-03-02T10:00:00Z') });
    const create = seen.find((s) => s.path === '/crm/v3/objects/notes')!;
    expect(reference.operations['/crm/v3/objects/notes']).toContain(create.method);
    follows(reference.noteSchemas.SimplePublicObjectInputForCreate!, create.body, 'SimplePublicObjectInputForCreate');
    for (const a of create.body.associations as Json[]) {
      follows(reference.noteSchemas.PublicAssociationsForObject!, a, 'PublicAssociationsForObject');
      follows(reference.noteSchemas.PublicObjectId!, a.to as Json, 'PublicObjectId');
      for (const t of a.types as Json[]) follows(reference.noteSchemas.AssociationSpec!, t, 'AssociationSpec');
    }
    for (const other of seen.filter((s) => s !== create)) expect(operationOf(other.path), other.path).toBeDefined();
  });
});

describe("HubSpot's documented webhook examples", () => {
  it('the webhooks docs example: a contact property change and a contact creation, both read', () => {
    expect(hubspotConnector.parseWebhook(fixture('webhook-docs-example.json'))).toEqual([
      { accountId: '33', stream: 'contact', externalId: '1246965', operation: 'propertyChange' },
      { accountId: '33', stream: 'contact', externalId: '1246978', operation: 'creation' },
    ]);
  });

  it('an association change (no objectId): accepted, nothing to re-read', () => {
    expect(hubspotConnector.parseWebhook(fixture('webhook-association-change.json'))).toEqual([]);
  });

  it('the shared sample: a company flag changed in the CRM', () => {
    const sample = JSON.parse(readFileSync('/work/shared/providers/samples/hubspot-webhook.json', 'utf8')) as Json[];
    expect(hubspotConnector.parseWebhook(sample)).toEqual(sample.filter((e) => String(e.subscriptionType).startsWith('company.')).map((e) => expect.objectContaining({ stream: 'company', externalId: String(e.objectId) })));
  });
});
