/**
 * The real `@hubspot/api-client` against the HubSpot simulator on 127.0.0.1: paging through every
 * entity, incremental search on hs_lastmodifieddate, reads and writes, properties, notes and tasks,
 * associations, and the OAuth flows with their 30-minute expiry.
 */
import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/generator/index.ts';
import type { World } from '../../sandbox/shared/contract.ts';
import { listenHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import type { RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';

let world: World;
let sim: RunningHubspotSimulator;
let clock = Date.parse('2026-02-15T09:00:00.000Z');
let client: Client;

interface SdkError {
  code: number;
  body: { status?: string; category?: string; message?: string };
}

async function failure(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  world = generateWorld({ seed: 11, invoices: 300, asOf: '2026-02-15' });
  sim = await listenHubspotSimulator({ world, limits: false, now: () => clock });
  client = new Client({ accessToken: sim.credentials.accessToken, basePath: sim.baseUrl });
});

afterAll(async () => {
  await sim.close();
});

const byId = (a: string, b: string) => a.length - b.length || a.localeCompare(b);

describe('listing with after-paging', () => {
  it('pages through every company, properties as strings, no paging on the last page', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await client.crm.companies.basicApi.getPage(7, after, [
        'name',
        'domain',
        'hubspot_owner_id',
      ]);
      pages++;
      for (const c of page.results) {
        seen.push(c.id);
        expect(typeof c.properties.hs_object_id).toBe('string');
        expect(c.properties.hs_object_id).toBe(c.id);
        const src = world.hubspot.companies.find((w) => w.id === c.id)!;
        expect(c.properties.name).toBe(src.name);
        expect(c.properties.hubspot_owner_id).toBe(src.ownerId);
        expect(c.updatedAt.toISOString()).toBe(new Date(src.updatedAt).toISOString());
      }
      after = page.paging?.next?.after;
      if (after) expect(page.paging?.next?.link).toContain(`after=${after}`);
    } while (after);
    expect(seen).toEqual(world.hubspot.companies.map((c) => c.id).sort(byId));
    expect(pages).toBe(Math.ceil(world.hubspot.companies.length / 7));
  });

  it('pages through every contact with its company association', async () => {
    const all = await client.crm.contacts.getAll(10, undefined, ['email'], undefined, ['companies']);
    expect(all.map((c) => c.id).sort(byId)).toEqual(world.hubspot.contacts.map((c) => c.id).sort(byId));
    for (const c of all) {
      const src = world.hubspot.contacts.find((w) => w.id === c.id)!;
      expect(c.properties.email).toBe(src.email);
      const linked = c.associations?.companies?.results.map((r) => r.id) ?? [];
      expect([...new Set(linked)]).toEqual(src.companyId ? [src.companyId] : []);
    }
  });

  it('refuses a page over 100 with a 400', async () => {
    const err = await failure(client.crm.companies.basicApi.getPage(101));
    expect(err.code).toBe(400);
    expect(err.body.category).toBe('VALIDATION_ERROR');
  });
});

describe('search on hs_lastmodifieddate', () => {
  const ms = (iso: string) => Date.parse(iso);

  async function searchAll(
    filters: { propertyName: string; operator: string; value?: string; highValue?: string }[],
  ) {
    const ids: string[] = [];
    let after: string | undefined;
    let total = -1;
    do {
      const page = await client.crm.companies.searchApi.doSearch({
        filterGroups: [{ filters: filters as never }],
        sorts: ['hs_lastmodifieddate'],
        properties: ['name'],
        limit: 4,
        after,
      });
      total = page.total;
      ids.push(...page.results.map((r) => r.id));
      after = page.paging?.next?.after;
    } while (after);
    return { ids, total };
  }

  const sortedByUpdate = () =>
    [...world.hubspot.companies].sort((a, b) => ms(a.updatedAt) - ms(b.updatedAt) || byId(a.id, b.id));

  it.each([
    ['GTE', (t: number, c: number) => t >= c],
    ['GT', (t: number, c: number) => t > c],
    ['LTE', (t: number, c: number) => t <= c],
    ['LT', (t: number, c: number) => t < c],
    ['EQ', (t: number, c: number) => t === c],
  ])(
    '%s a millisecond timestamp finds exactly the matching companies, oldest first',
    async (operator, test) => {
      const sorted = sortedByUpdate();
      const cutoff = ms(sorted[Math.floor(sorted.length / 2)]!.updatedAt);
      const expected = sorted.filter((c) => test(ms(c.updatedAt), cutoff)).map((c) => c.id);
      const { ids, total } = await searchAll([
        { propertyName: 'hs_lastmodifieddate', operator, value: String(cutoff) },
      ]);
      expect(ids).toEqual(expected);
      expect(total).toBe(expected.length);
      expect(expected.length).toBeGreaterThan(0);
    },
  );

  it('BETWEEN takes ISO instants too', async () => {
    const sorted = sortedByUpdate();
    const lo = sorted[3]!.updatedAt;
    const hi = sorted[10]!.updatedAt;
    const expected = sorted
      .filter((c) => ms(c.updatedAt) >= ms(lo) && ms(c.updatedAt) <= ms(hi))
      .map((c) => c.id);
    const { ids } = await searchAll([
      {
        propertyName: 'hs_lastmodifieddate',
        operator: 'BETWEEN',
        value: new Date(lo).toISOString(),
        highValue: new Date(hi).toISOString(),
      },
    ]);
    expect(ids).toEqual(expected);
  });

  it('EQ on another property (domain) combines with a date bound', async () => {
    const target = world.hubspot.companies.find((c) => c.domain)!;
    const { ids } = await searchAll([
      { propertyName: 'domain', operator: 'EQ', value: target.domain! },
      { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '0' },
    ]);
    expect(ids).toEqual(world.hubspot.companies.filter((c) => c.domain === target.domain).map((c) => c.id));
  });
});

describe('contacts, owners and batch associations', () => {
  it('searches contacts by lastmodifieddate, newest first', async () => {
    const sorted = [...world.hubspot.contacts].sort(
      (a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || byId(b.id, a.id),
    );
    const cutoff = Date.parse(sorted[9]!.updatedAt);
    const expected = sorted.filter((c) => Date.parse(c.updatedAt) > cutoff).map((c) => c.id);
    const page = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'lastmodifieddate', operator: 'GT' as never, value: String(cutoff) }] },
      ],
      sorts: ['-lastmodifieddate'],
      properties: ['email', 'lastmodifieddate'],
      limit: 100,
    });
    expect(page.results.map((r) => r.id)).toEqual(expected);
    expect(page.paging).toBeUndefined();
    for (const r of page.results) expect(r.properties.lastmodifieddate).toBe(r.updatedAt.toISOString());
  });

  it('lists the owners and finds one by email', async () => {
    const all = await client.crm.owners.ownersApi.getPage();
    expect(all.results.map((o) => o.id).sort()).toEqual(world.hubspot.owners.map((o) => o.id).sort());
    const one = world.hubspot.owners[0]!;
    const found = await client.crm.owners.ownersApi.getPage(one.email);
    expect(found.results.map((o) => o.id)).toEqual([one.id]);
  });

  it('reads contact → company associations in one v4 batch', async () => {
    const contacts = world.hubspot.contacts.slice(0, 10);
    const res = await client.crm.associations.v4.batchApi.getPage('contacts', 'companies', {
      inputs: contacts.map((c) => ({ id: c.id })),
    });
    const got = Object.fromEntries(
      res.results.map((r) => [r._from.id, r.to.map((t) => String(t.toObjectId))]),
    );
    for (const c of contacts) expect(got[c.id] ?? []).toEqual(c.companyId ? [c.companyId] : []);
  });
});

describe('reading and writing back', () => {
  it('creates the Relance group and properties, then 409 on a second create', async () => {
    const group = await client.crm.properties.groupsApi.create('companies', {
      name: 'relance',
      label: 'Relance',
    });
    expect(group.name).toBe('relance');
    const stage = await client.crm.properties.coreApi.create('companies', {
      name: 'relance_stage',
      label: 'Dunning stage',
      type: 'enumeration' as never,
      fieldType: 'select' as never,
      groupName: 'relance',
      options: [
        { label: 'Reminder 1', value: 'reminder-1', displayOrder: 0, hidden: false },
        { label: 'Reminder 2', value: 'reminder-2', displayOrder: 1, hidden: false },
      ],
    });
    expect(stage.name).toBe('relance_stage');
    await client.crm.properties.coreApi.create('companies', {
      name: 'relance_paused',
      label: 'Dunning paused',
      type: 'bool' as never,
      fieldType: 'booleancheckbox' as never,
      groupName: 'relance',
    });
    const again = await failure(
      client.crm.properties.coreApi.create('companies', {
        name: 'relance_stage',
        label: 'x',
        type: 'string' as never,
        fieldType: 'text' as never,
        groupName: 'relance',
      }),
    );
    expect(again.code).toBe(409);
    expect(again.body.category).toBe('OBJECT_ALREADY_EXISTS');
    const read = await client.crm.properties.coreApi.getByName('companies', 'relance_stage');
    expect(read.options.map((o) => o.value)).toEqual(['reminder-1', 'reminder-2']);
    const groups = await client.crm.properties.groupsApi.getAll('companies');
    expect(groups.results.map((g) => g.name)).toContain('relance');
  });

  it('batch-updates a company: the value reads back, the modified date moves, the write is recorded', async () => {
    const company = world.hubspot.companies[0]!;
    clock += 60_000;
    const res = await client.crm.companies.batchApi.update({
      inputs: [{ id: company.id, properties: { relance_stage: 'reminder-1' } }],
    });
    expect(res.results).toHaveLength(1);
    const read = await client.crm.companies.basicApi.getById(company.id, ['relance_stage', 'relance_paused']);
    expect(read.properties.relance_stage).toBe('reminder-1');
    expect(read.properties.relance_paused).toBeNull();
    expect(read.properties.hs_lastmodifieddate).toBe(new Date(clock).toISOString());
    const found = await client.crm.companies.searchApi.doSearch({
      filterGroups: [
        {
          filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: String(clock) }],
        },
      ],
      limit: 10,
    });
    expect(found.results.map((r) => r.id)).toEqual([company.id]);
    const writes = sim.control.writtenBack().filter((w) => w.what === 'batch-update');
    expect(writes).toEqual([expect.objectContaining({ entity: 'companies', id: company.id })]);
  });

  it('updates one company with PATCH and refuses an unknown option or property', async () => {
    const company = world.hubspot.companies[1]!;
    const updated = await client.crm.companies.basicApi.update(company.id, {
      properties: { relance_paused: 'true' },
    });
    expect(updated.properties.relance_paused).toBe('true');
    const badOption = await failure(
      client.crm.companies.basicApi.update(company.id, { properties: { relance_stage: 'reminder-9' } }),
    );
    expect(badOption.code).toBe(400);
    expect(badOption.body.message).toContain('INVALID_OPTION');
    const unknown = await failure(
      client.crm.companies.batchApi.update({
        inputs: [{ id: company.id, properties: { no_such_thing: 'x' } }],
      }),
    );
    expect(unknown.code).toBe(400);
    expect(unknown.body.message).toContain('PROPERTY_DOESNT_EXIST');
  });

  it('batch-reads companies, 207 naming the missing ids', async () => {
    const ids = world.hubspot.companies.slice(0, 3).map((c) => c.id);
    const res = await client.crm.companies.batchApi.read({
      inputs: [...ids, '123'].map((id) => ({ id })),
      properties: ['name'],
      propertiesWithHistory: [],
    });
    expect(res.results.map((r) => r.id).sort(byId)).toEqual(ids);
    expect((res as unknown as { errors: { context: { ids: string[] } }[] }).errors[0]!.context.ids).toEqual([
      '123',
    ]);
  });

  it('creates a note (type 190) and a task (type 192) on a company, recorded as written back', async () => {
    const company = world.hubspot.companies[2]!;
    const note = await client.crm.objects.notes.basicApi.create({
      properties: { hs_timestamp: new Date(clock).toISOString(), hs_note_body: 'Reminder 1 sent' },
      associations: [
        {
          to: { id: company.id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 190 }],
        },
      ],
    });
    expect(note.properties.hs_note_body).toBe('Reminder 1 sent');
    const task = await client.crm.objects.tasks.basicApi.create({
      properties: {
        hs_timestamp: String(clock),
        hs_task_subject: 'Call about invoice',
        hs_task_body: '3 invoices overdue',
        hubspot_owner_id: company.ownerId ?? '',
      },
      associations: [
        {
          to: { id: company.id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 192 }],
        },
      ],
    });
    expect(task.properties.hs_task_subject).toBe('Call about invoice');
    const whats = sim.control.writtenBack().map((w) => `${w.what}:${w.id}`);
    expect(whats).toContain(`note:${note.id}`);
    expect(whats).toContain(`task:${task.id}`);
    const notes = await client.crm.associations.v4.basicApi.getPage('companies', company.id, 'notes');
    expect(notes.results.map((r) => String(r.toObjectId))).toEqual([note.id]);
    const wrongType = await failure(
      client.crm.objects.notes.basicApi.create({
        properties: { hs_timestamp: String(clock), hs_note_body: 'x' },
        associations: [
          {
            to: { id: company.id },
            types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 192 }],
          },
        ],
      }),
    );
    expect(wrongType.code).toBe(400);
  });

  it('reads contact ↔ company associations with v4', async () => {
    const contact = world.hubspot.contacts.find((c) => c.companyId)!;
    const res = await client.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'companies');
    expect(res.results.map((r) => String(r.toObjectId))).toEqual([contact.companyId]);
    expect(res.results[0]!.associationTypes.map((t) => t.typeId).sort()).toEqual([1, 279]);
    const back = await client.crm.associations.v4.basicApi.getPage(
      'companies',
      contact.companyId!,
      'contacts',
    );
    expect(back.results.map((r) => String(r.toObjectId))).toContain(contact.id);
  });
});

describe('deals', () => {
  it('creates a deal on a company (type 341), lists and searches it, and reads the association both ways', async () => {
    const company = world.hubspot.companies[5]!;
    expect((await client.crm.deals.basicApi.getPage(10)).results).toEqual([]);
    const deal = await client.crm.deals.basicApi.create({
      properties: {
        dealname: 'Renewal 2026',
        amount: '1250.50',
        pipeline: 'default',
        dealstage: 'contractsent',
      },
      associations: [
        {
          to: { id: company.id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 341 }],
        },
      ],
    });
    expect(deal.properties.amount).toBe('1250.50');
    const listed = await client.crm.deals.basicApi.getPage(10, undefined, undefined, undefined, [
      'companies',
    ]);
    expect(listed.results.map((d) => d.id)).toEqual([deal.id]);
    expect(listed.results[0]!.associations?.companies?.results.map((r) => r.id)).toContain(company.id);
    const found = await client.crm.deals.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'dealstage', operator: 'EQ' as never, value: 'contractsent' }] },
      ],
      limit: 10,
    });
    expect(found.results.map((d) => d.id)).toEqual([deal.id]);
    const fromCompany = await client.crm.associations.v4.basicApi.getPage('companies', company.id, 'deals');
    expect(fromCompany.results.map((r) => String(r.toObjectId))).toEqual([deal.id]);
    const badStage = await failure(
      client.crm.deals.basicApi.update(deal.id, { properties: { dealstage: 'won' } }),
    );
    expect(badStage.code).toBe(400);
  });
});

describe('OAuth', () => {
  it('refreshes a token; the access token lasts 30 minutes; the refresh token does not rotate', async () => {
    const { clientId, clientSecret, refreshToken } = sim.credentials;
    const t = await client.oauth.tokensApi.create(
      'refresh_token',
      undefined,
      undefined,
      clientId,
      clientSecret,
      refreshToken,
    );
    expect(t.expiresIn).toBe(1800);
    expect(t.refreshToken).toBe(refreshToken);
    const oauthClient = new Client({ accessToken: t.accessToken, basePath: sim.baseUrl });
    await expect(oauthClient.crm.companies.basicApi.getPage(1)).resolves.toBeTruthy();
    clock += 1800 * 1000;
    const expired = await failure(oauthClient.crm.companies.basicApi.getPage(1));
    expect(expired.code).toBe(401);
    expect(expired.body.category).toBe('EXPIRED_AUTHENTICATION');
    const again = await client.oauth.tokensApi.create(
      'refresh_token',
      undefined,
      undefined,
      clientId,
      clientSecret,
      refreshToken,
    );
    await expect(
      new Client({ accessToken: again.accessToken, basePath: sim.baseUrl }).crm.companies.basicApi.getPage(1),
    ).resolves.toBeTruthy();
    const bad = await failure(
      client.oauth.tokensApi.create('refresh_token', undefined, undefined, clientId, clientSecret, 'nope'),
    );
    expect(bad.code).toBe(400);
    expect(bad.body.status).toBe('BAD_REFRESH_TOKEN');
  });

  it('exchanges an authorization code once, with the redirect URI it was issued for', async () => {
    const { clientId, clientSecret } = sim.credentials;
    const redirectUri = 'http://127.0.0.1:1/callback';
    const auth = await fetch(
      `${sim.baseUrl}/oauth/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&scope=crm.objects.companies.read&state=s1`,
      { redirect: 'manual' },
    );
    expect(auth.status).toBe(302);
    const location = new URL(auth.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code')!;
    const wrongUri = await failure(
      client.oauth.tokensApi.create(
        'authorization_code',
        code,
        'http://elsewhere/cb',
        clientId,
        clientSecret,
      ),
    );
    expect(wrongUri.body.status).toBe('BAD_REDIRECT_URI');
    const t = await client.oauth.tokensApi.create(
      'authorization_code',
      code,
      redirectUri,
      clientId,
      clientSecret,
    );
    expect(t.accessToken).toBeTruthy();
    const info = await client.oauth.accessTokensApi.get(t.accessToken);
    expect(String(info.hubId)).toBe(world.hubspot.portalId);
    const reused = await failure(
      client.oauth.tokensApi.create('authorization_code', code, redirectUri, clientId, clientSecret),
    );
    expect(reused.body.status).toBe('BAD_AUTH_CODE');
  });

  it('refuses a missing or unknown bearer with 401', async () => {
    const stranger = new Client({ accessToken: 'pat-na1-unknown', basePath: sim.baseUrl });
    const err = await failure(stranger.crm.contacts.basicApi.getPage(1));
    expect(err.code).toBe(401);
    expect(err.body.category).toBe('INVALID_AUTHENTICATION');
  });
});
