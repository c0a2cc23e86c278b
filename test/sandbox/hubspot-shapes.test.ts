/**
 * The simulator's answers compared field by field with HubSpot's documented payloads
 * (test/fixtures/providers/hubspot/), and every bad-input case with HubSpot's error shape and status.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/generator/index.ts';
import type { World } from '../../sandbox/shared/contract.ts';
import { listenHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import type { RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import { shapeDifferences } from '../support/shape.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/providers/hubspot/${name}`, import.meta.url), 'utf8'));

let world: World;
let sim: RunningHubspotSimulator;

beforeAll(async () => {
  world = generateWorld({ seed: 3, invoices: 120, asOf: '2026-02-15' });
  sim = await listenHubspotSimulator({ world, limits: false });
});

afterAll(async () => {
  await sim.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = sim.credentials.accessToken!,
) {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('documented shapes', () => {
  const properties = ['name', 'domain', 'hubspot_owner_id', 'relance_stage', 'relance_paused'];

  it('list, single read and search match the documented pages', async () => {
    const list = await call('GET', '/crm/v3/objects/companies?limit=2');
    expect(list.status).toBe(200);
    expect(shapeDifferences(fixture('companies-list.json'), list.json)).toEqual([]);
    const id = world.hubspot.companies[0]!.id;
    const one = await call('GET', `/crm/v3/objects/companies/${id}`);
    expect(shapeDifferences(fixture('company.json'), one.json)).toEqual([]);
    await call('POST', '/crm/v3/properties/companies/groups', { name: 'relance', label: 'Relance' });
    await call('POST', '/crm/v3/properties/companies', {
      name: 'relance_stage',
      label: 'Stage',
      type: 'enumeration',
      fieldType: 'select',
      groupName: 'relance',
      options: [{ label: 'Reminder 1', value: 'reminder-1' }],
    });
    await call('POST', '/crm/v3/properties/companies', {
      name: 'relance_paused',
      label: 'Paused',
      type: 'bool',
      fieldType: 'booleancheckbox',
      groupName: 'relance',
    });
    await call('PATCH', `/crm/v3/objects/companies/${id}`, {
      properties: { relance_stage: 'reminder-1', relance_paused: 'false' },
    });
    const search = await call('POST', '/crm/v3/objects/companies/search', {
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '0' }] }],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'DESCENDING' }],
      properties,
      limit: 2,
    });
    expect(search.status).toBe(200);
    expect(shapeDifferences(fixture('companies-search.json'), search.json)).toEqual([]);
    const first = (search.json.results as { id: string; properties: Record<string, unknown> }[])[0]!;
    // Descending on the modified date: the company just edited comes first; unset properties are null.
    expect(first.id).toBe(id);
    expect(first.properties.relance_paused).toBe('false');
  });

  it('batch read with a missing id is the documented 207', async () => {
    const res = await call('POST', '/crm/v3/objects/companies/batch/read', {
      inputs: [{ id: world.hubspot.companies[0]!.id }, { id: '999' }],
      properties: [],
    });
    expect(res.status).toBe(207);
    expect(shapeDifferences(fixture('batch-read-207.json'), res.json)).toEqual([]);
  });

  it('property, group, association, note and token answers match', async () => {
    const group = await call('POST', '/crm/v3/properties/companies/groups', {
      name: 'relance_extra',
      label: 'Relance extra',
    });
    expect(group.status).toBe(201);
    expect(shapeDifferences(fixture('property-group.json'), group.json)).toEqual([]);
    const prop = await call('GET', '/crm/v3/properties/companies/relance_stage');
    expect(shapeDifferences(fixture('property.json'), prop.json)).toEqual([]);
    const contact = world.hubspot.contacts.find((c) => c.companyId)!;
    const assoc = await call('GET', `/crm/v4/objects/contacts/${contact.id}/associations/companies`);
    expect(shapeDifferences(fixture('associations-v4.json'), assoc.json)).toEqual([]);
    const note = await call('POST', '/crm/v3/objects/notes', {
      properties: { hs_timestamp: '2026-02-09T12:30:00.000Z', hs_note_body: 'Reminder 1 sent' },
      associations: [
        {
          to: { id: contact.companyId },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }],
        },
      ],
    });
    expect(note.status).toBe(201);
    expect(shapeDifferences(fixture('note.json'), note.json)).toEqual([]);
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sim.credentials.clientId!,
      client_secret: sim.credentials.clientSecret!,
      refresh_token: sim.credentials.refreshToken!,
    });
    const token = await fetch(`${sim.baseUrl}/oauth/v1/token`, { method: 'POST', body: form });
    expect(shapeDifferences(fixture('token.json'), await token.json())).toEqual([]);
    form.set('refresh_token', 'unknown');
    const bad = await fetch(`${sim.baseUrl}/oauth/v1/token`, { method: 'POST', body: form });
    expect(bad.status).toBe(400);
    expect(shapeDifferences(fixture('token-error.json'), await bad.json())).toEqual([]);
  });
});

describe('bad input gets HubSpot errors', () => {
  const company = () => world.hubspot.companies[0]!.id;
  const cases: [
    string,
    () => Promise<{ status: number; json: Record<string, unknown> }>,
    number,
    string,
    string,
  ][] = [
    [
      'an unknown property in an update',
      () => call('PATCH', `/crm/v3/objects/companies/${company()}`, { properties: { foo: 'x' } }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'an unknown id',
      () => call('GET', '/crm/v3/objects/companies/123'),
      404,
      'OBJECT_NOT_FOUND',
      'error-not-found.json',
    ],
    [
      'no token',
      () => call('GET', '/crm/v3/objects/companies', undefined, null),
      401,
      'INVALID_AUTHENTICATION',
      'error-unauthorized.json',
    ],
    [
      'a wrong token',
      () => call('GET', '/crm/v3/objects/companies', undefined, 'pat-na1-wrong'),
      401,
      'INVALID_AUTHENTICATION',
      'error-unauthorized.json',
    ],
    [
      'a property that exists',
      () =>
        call('POST', '/crm/v3/properties/companies', {
          name: 'name',
          label: 'x',
          type: 'string',
          fieldType: 'text',
          groupName: 'companyinformation',
        }),
      409,
      'OBJECT_ALREADY_EXISTS',
      'error-conflict.json',
    ],
    [
      'a group that exists',
      () => call('POST', '/crm/v3/properties/companies/groups', { name: 'companyinformation', label: 'x' }),
      409,
      'OBJECT_ALREADY_EXISTS',
      'error-conflict.json',
    ],
    [
      'malformed JSON',
      () => call('POST', '/crm/v3/objects/companies/search', '{"filterGroups": ['),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a body of the wrong shape',
      () => call('POST', '/crm/v3/objects/companies/batch/update', { inputs: 'all' }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'an unknown object type',
      () => call('GET', '/crm/v3/objects/widgets'),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a list page over 100',
      () => call('GET', '/crm/v3/objects/companies?limit=101'),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a search page over 200',
      () => call('POST', '/crm/v3/objects/companies/search', { limit: 201 }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a search on an unknown property',
      () =>
        call('POST', '/crm/v3/objects/companies/search', {
          filterGroups: [{ filters: [{ propertyName: 'nope', operator: 'EQ', value: 'x' }] }],
        }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'an unknown search operator',
      () =>
        call('POST', '/crm/v3/objects/companies/search', {
          filterGroups: [{ filters: [{ propertyName: 'name', operator: 'LIKE', value: 'x' }] }],
        }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a date filter that is not a date',
      () =>
        call('POST', '/crm/v3/objects/companies/search', {
          filterGroups: [
            { filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: 'yesterday' }] },
          ],
        }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a batch of 101 inputs',
      () =>
        call('POST', '/crm/v3/objects/companies/batch/read', {
          inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i + 1) })),
          properties: [],
        }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a batch update of 101 inputs',
      () =>
        call('POST', '/crm/v3/objects/companies/batch/update', {
          inputs: Array.from({ length: 101 }, () => ({ id: company(), properties: { name: 'x' } })),
        }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a read-only property',
      () =>
        call('PATCH', `/crm/v3/objects/companies/${company()}`, { properties: { hs_lastmodifieddate: '0' } }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a note without hs_timestamp',
      () => call('POST', '/crm/v3/objects/notes', { properties: { hs_note_body: 'x' } }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'a note with a task association type',
      () =>
        call('POST', '/crm/v3/objects/notes', {
          properties: { hs_timestamp: '0', hs_note_body: 'x' },
          associations: [
            {
              to: { id: company() },
              types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 192 }],
            },
          ],
        }),
      400,
      'VALIDATION_ERROR',
      'error-validation.json',
    ],
    [
      'an unknown property definition',
      () => call('GET', '/crm/v3/properties/companies/nope'),
      404,
      'OBJECT_NOT_FOUND',
      'error-not-found.json',
    ],
  ];

  it.each(cases)('%s', async (_name, run, status, category, shape) => {
    const res = await run();
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ status: 'error', category });
    expect(shapeDifferences(fixture(shape), res.json)).toEqual([]);
  });

  it('a 429 matches the documented body', async () => {
    sim.control.injectFault({ kind: 'rate_limit_storm', count: 1 });
    const res = await call('GET', '/crm/v3/objects/companies');
    expect(res.status).toBe(429);
    expect(shapeDifferences(fixture('rate-limit-429.json'), res.json)).toEqual([]);
  });

  it('the token endpoint names each bad parameter', async () => {
    const base = {
      grant_type: 'refresh_token',
      client_id: sim.credentials.clientId!,
      client_secret: sim.credentials.clientSecret!,
      refresh_token: sim.credentials.refreshToken!,
    };
    const cases: [Record<string, string>, string][] = [
      [{ grant_type: 'password' }, 'BAD_GRANT_TYPE'],
      [{ client_id: 'x' }, 'BAD_CLIENT_ID'],
      [{ client_secret: 'x' }, 'BAD_CLIENT_SECRET'],
      [{ grant_type: 'authorization_code', code: 'x', redirect_uri: 'http://x' }, 'BAD_AUTH_CODE'],
    ];
    for (const [patch, expected] of cases) {
      const res = await fetch(`${sim.baseUrl}/oauth/v1/token`, {
        method: 'POST',
        body: new URLSearchParams({ ...base, ...patch }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { status: string }).status).toBe(expected);
    }
  });
});

describe('the 10,000-result search cap', () => {
  let big: RunningHubspotSimulator;

  beforeAll(async () => {
    const base = generateWorld({ seed: 4, invoices: 30, asOf: '2026-02-15' });
    const companies = Array.from({ length: 10_050 }, (_, i) => ({
      id: String(5_000_000_000 + i),
      name: `Company ${i}`,
      domain: `company-${i}.example`,
      ownerId: null,
      matchesCustomerId: null,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: new Date(Date.parse('2025-06-01T00:00:00.000Z') + i * 1000).toISOString(),
    }));
    big = await listenHubspotSimulator({
      world: { ...base, hubspot: { ...base.hubspot, companies } },
      limits: false,
    });
  });

  afterAll(async () => {
    await big.close();
  });

  it('pages to 10,000 then answers 400 for the page past it; total still counts every match', async () => {
    const headers = {
      authorization: `Bearer ${big.credentials.accessToken}`,
      'content-type': 'application/json',
    };
    const query = {
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '0' }] }],
      sorts: ['hs_lastmodifieddate'],
      limit: 200,
    };
    let after: string | undefined;
    let seen = 0;
    let total = 0;
    for (;;) {
      const res = await fetch(`${big.baseUrl}/crm/v3/objects/companies/search`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...query, after }),
      });
      if (res.status !== 200) {
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
        break;
      }
      const page = (await res.json()) as {
        total: number;
        results: unknown[];
        paging?: { next: { after: string } };
      };
      total = page.total;
      seen += page.results.length;
      after = page.paging?.next.after;
      expect(after).toBeDefined();
    }
    expect(seen).toBe(10_000);
    expect(after).toBe('10000');
    expect(total).toBe(10_050);
  });
});
