/**
 * Every write the HubSpot connector makes, with nock: the property group and properties at connect
 * (and nothing on a second connect), batch updates of 100 with per-company results (207 and 400),
 * notes and tasks with their association type ids.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, NotFound } from '../../../core/errors.ts';
import type { CompanyDunningState } from '../../../connectors/hubspot/index.ts';
import { RELANCE_PROPERTIES } from '../../../connectors/hubspot/writes/relance-properties.ts';
import { API, company, hubspotError, stopLimiters, testSession } from './support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await stopLimiters();
});

function state(id: string, overrides: Partial<CompanyDunningState> = {}): CompanyDunningState {
  return {
    companyId: id, stage: 'reminder-1', overdueAmount: '1250.00', currency: 'EUR', oldestOverdueDays: 12, disputed: false, paused: false,
    nextAction: 'reminder-2', nextActionDate: '2026-03-09', promiseDate: null, portalLink: 'https://pay.example/c/1', ...overrides,
  };
}

/** A connect reads companies' properties only: notes and tasks get no custom property. */
function keyPropertiesPresent(scope: nock.Scope): nock.Scope {
  return scope;
}

describe('hubspot property setup', () => {
  it('creates the group and every property when they are missing', async () => {
    const { session } = testSession();
    const created: { name: string; groupName?: string; type?: string }[] = [];
    nock(API)
      .get('/crm/v3/properties/companies/groups').reply(200, { results: [{ name: 'companyinformation' }] })
      .post('/crm/v3/properties/companies/groups', { name: 'relance', label: 'Relance' }).reply(201, { name: 'relance', label: 'Relance' })
      .get('/crm/v3/properties/companies').reply(200, { results: [{ name: 'name', groupName: 'companyinformation' }] })
      .post('/crm/v3/properties/companies').times(RELANCE_PROPERTIES.length)
      .reply((_uri, body) => {
        created.push(body as { name: string });
        return [201, body];
      });
    const report = await session.ensureProperties();
    expect(report.groupCreated).toBe(true);
    expect(report.propertiesCreated).toEqual(RELANCE_PROPERTIES.map((p) => p.name));
    // No custom property on notes or tasks: no public-app scope allows one (issue 13.1).
    expect(report).not.toHaveProperty('keyPropertiesCreated');
    expect(created.every((p) => p.groupName === 'relance')).toBe(true);
    expect(created.find((p) => p.name === 'relance_paused')).toMatchObject({ type: 'bool', fieldType: 'booleancheckbox' });
    expect(nock.isDone()).toBe(true);
  });

  it('changes nothing on a second connect: two reads, no write', async () => {
    const { session } = testSession();
    keyPropertiesPresent(nock(API)
      .get('/crm/v3/properties/companies/groups').reply(200, { results: [{ name: 'relance' }] })
      .get('/crm/v3/properties/companies').reply(200, { results: RELANCE_PROPERTIES.map((p) => ({ name: p.name, groupName: 'relance' })) }));
    expect(await session.ensureProperties()).toEqual({ groupCreated: false, propertiesCreated: [] });
    expect(nock.isDone()).toBe(true);
  });

  it('runs at connect time (accountInfo), which reads no ledger facts from a CRM', async () => {
    const { session } = testSession();
    keyPropertiesPresent(nock(API)
      .get('/crm/v3/properties/companies/groups').reply(200, { results: [{ name: 'relance' }] })
      .get('/crm/v3/properties/companies').reply(200, { results: RELANCE_PROPERTIES.map((p) => ({ name: p.name })) }));
    expect(await session.accountInfo!()).toEqual({ displayName: null, homeCurrency: null, country: null });
    expect(nock.isDone()).toBe(true);
  });

  it('takes a 409 (created meanwhile) as present', async () => {
    const { session } = testSession();
    keyPropertiesPresent(nock(API)
      .get('/crm/v3/properties/companies/groups').reply(200, { results: [] })
      .post('/crm/v3/properties/companies/groups').reply(409, hubspotError('OBJECT_ALREADY_EXISTS', "Property group named 'relance' already exists."))
      .get('/crm/v3/properties/companies').reply(200, { results: RELANCE_PROPERTIES.map((p) => ({ name: p.name })) }));
    expect(await session.ensureProperties()).toEqual({ groupCreated: false, propertiesCreated: [] });
  });

  it('a missing scope (403) is a configuration error, not retried', async () => {
    const { session, context } = testSession();
    nock(API).get('/crm/v3/properties/companies/groups').reply(403, hubspotError('MISSING_SCOPES', 'This app hasn\'t been granted all required scopes'));
    await expect(session.ensureProperties()).rejects.toBeInstanceOf(ConfigError);
    expect(context.attempts).toHaveLength(1);
  });
});

describe('hubspot batch update of companies', () => {
  it('sends 100 companies a call and every Relance property as a string', async () => {
    const { session } = testSession();
    const sizes: number[] = [];
    let firstInput: { id: string; properties: Record<string, string> } | undefined;
    nock(API)
      .post('/crm/v3/objects/companies/batch/update').times(2)
      .reply((_uri, body) => {
        const inputs = (body as { inputs: { id: string; properties: Record<string, string> }[] }).inputs;
        sizes.push(inputs.length);
        firstInput ??= inputs[0];
        return [200, { status: 'COMPLETE', results: inputs.map((i) => company(Number(i.id), '2026-03-02T10:00:00.000Z')) }];
      });
    const states = Array.from({ length: 150 }, (_, i) => state(String(i + 1)));
    const results = await session.updateCompanies(states);
    expect(sizes).toEqual([100, 50]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(firstInput).toEqual({
      id: '1',
      properties: {
        relance_stage: 'reminder-1', relance_overdue_amount: '1250.00', relance_overdue_currency: 'EUR', relance_oldest_overdue_days: '12',
        relance_disputed: 'false', relance_paused: 'false', relance_next_action: 'reminder-2', relance_next_action_date: '2026-03-09',
        relance_promise_date: '', relance_portal_link: 'https://pay.example/c/1',
      },
    });
  });

  it('reports the companies a 207 names as failed, the others as written', async () => {
    const { session } = testSession();
    nock(API)
      .post('/crm/v3/objects/companies/batch/update')
      .reply(207, {
        status: 'COMPLETE', results: [company(1, '2026-03-02T10:00:00.000Z')], numErrors: 1,
        errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not update some COMPANY objects', context: { ids: ['2'] } }],
      });
    const results = await session.updateCompanies([state('1'), state('2')]);
    expect(results).toEqual([
      { companyId: '1', ok: true, error: null },
      { companyId: '2', ok: false, error: 'OBJECT_NOT_FOUND: Could not update some COMPANY objects' },
    ]);
  });

  it('a batch refused as a whole fails each of its companies with the reason', async () => {
    const { session } = testSession();
    nock(API)
      .post('/crm/v3/objects/companies/batch/update')
      .reply(400, hubspotError('VALIDATION_ERROR', 'Property values were not valid: Property "relance_stage" does not exist'));
    const results = await session.updateCompanies([state('1'), state('2')]);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    expect(results[0]!.error).toMatch(/relance_stage" does not exist/);
  });
});

describe('hubspot notes and tasks', () => {
  it('puts a note on the company timeline (association 190), its text escaped', async () => {
    const { session } = testSession();
    let sent: unknown;
    nock(API).post('/crm/v3/objects/notes').reply(201, (_uri, body) => {
      sent = body;
      return { id: '9001', properties: {} };
    });
    const at = new Date('2026-03-02T09:30:00Z');
    expect(await session.addNote({ companyId: '42', body: 'Reminder 1 sent <b>', at })).toEqual({ noteId: '9001' });
    expect(sent).toEqual({
      properties: { hs_timestamp: '2026-03-02T09:30:00.000Z', hs_note_body: 'Reminder 1 sent &lt;b&gt;' },
      associations: [{ to: { id: '42' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }] }],
    });
  });

  it('creates a task for the company owner (association 192)', async () => {
    const { session } = testSession();
    let sent: { properties: Record<string, string>; associations: unknown[] } | undefined;
    nock(API).post('/crm/v3/objects/tasks').reply(201, (_uri, body) => {
      sent = body as typeof sent;
      return { id: '77', properties: {} };
    });
    await session.addTask({ companyId: '42', ownerId: '501', subject: 'Call about overdue invoices', body: '3 invoices, 4,200.00 EUR', dueAt: new Date('2026-03-03T09:00:00Z') });
    expect(sent!.properties).toMatchObject({ hubspot_owner_id: '501', hs_task_subject: 'Call about overdue invoices', hs_timestamp: '2026-03-03T09:00:00.000Z' });
    expect(sent!.associations).toEqual([{ to: { id: '42' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 192 }] }]);
  });

  it('a note on an unknown company fails with HubSpot\'s reason', async () => {
    const { session } = testSession();
    nock(API).post('/crm/v3/objects/notes').reply(400, hubspotError('VALIDATION_ERROR', 'One or more association targets were not found: companies 404'));
    await expect(session.addNote({ companyId: '404', body: 'x', at: new Date() })).rejects.toThrow(/association targets were not found/);
  });

  it('push writes set_company_properties, only the properties given', async () => {
    const { session } = testSession();
    let inputs: unknown;
    nock(API).post('/crm/v3/objects/companies/batch/update').reply(200, (_uri, body) => {
      inputs = (body as { inputs: unknown }).inputs;
      return { status: 'COMPLETE', results: [company(42, '2026-03-02T10:00:00.000Z')] };
    });
    const result = await session.push({ kind: 'set_company_properties', companyExternalId: '42', properties: { stage: 'final-notice', disputed: true, promiseDate: null } });
    expect(result).toEqual({ externalId: '42', version: null, attempts: 1 });
    expect(inputs).toEqual([{ id: '42', properties: { relance_stage: 'final-notice', relance_disputed: 'true', relance_promise_date: '' } }]);
  });

  it('push of a deleted company fails as NotFound, for the outbox to park', async () => {
    const { session } = testSession();
    nock(API).post('/crm/v3/objects/companies/batch/update').reply(207, {
      status: 'COMPLETE', results: [], errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not update some COMPANY objects', context: { ids: ['42'] } }],
    });
    await expect(session.push({ kind: 'set_company_properties', companyExternalId: '42', properties: { paused: true } })).rejects.toBeInstanceOf(NotFound);
  });

  it('push writes add_company_note as a timeline note on the company (190), at the change\'s timestamp', async () => {
    const { session } = testSession();
    let sent: unknown;
    nock(API).post('/crm/v3/objects/notes').reply(201, (_uri, body) => {
      sent = body;
      return { id: '9002', properties: {} };
    });
    const result = await session.push({
      kind: 'add_company_note', companyExternalId: '42', body: 'Reminder standard#2 reminder-1 sent by email: F-1, F-2; 1250.00 EUR due',
      timestamp: '2026-03-02T10:00:00.000Z',
    });
    expect(result).toEqual({ externalId: '9002', version: null, attempts: 1 });
    expect(sent).toEqual({
      properties: { hs_timestamp: '2026-03-02T10:00:00.000Z', hs_note_body: 'Reminder standard#2 reminder-1 sent by email: F-1, F-2; 1250.00 EUR due' },
      associations: [{ to: { id: '42' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }] }],
    });
    expect(nock.isDone()).toBe(true);
  });

  it('push writes create_owner_task as a task (192) for the owner, due at noon UTC of its day', async () => {
    const { session } = testSession();
    const sent: { properties: Record<string, string>; associations: unknown[] }[] = [];
    nock(API).post('/crm/v3/objects/tasks').times(2).reply(201, (_uri, body) => {
      sent.push(body as (typeof sent)[number]);
      return { id: String(70 + sent.length), properties: {} };
    });
    const change = { kind: 'create_owner_task', companyExternalId: '42', subject: 'Escalation: Acme', body: 'F-1 overdue', dueDate: '2026-03-03' } as const;
    expect(await session.push({ ...change, ownerExternalId: '501' })).toEqual({ externalId: '71', version: null, attempts: 1 });
    expect(await session.push(change)).toEqual({ externalId: '72', version: null, attempts: 1 });
    expect(sent[0]!.properties).toEqual({
      hs_timestamp: '2026-03-03T12:00:00.000Z', hs_task_subject: 'Escalation: Acme', hs_task_body: 'F-1 overdue',
      hs_task_status: 'NOT_STARTED', hs_task_priority: 'HIGH', hubspot_owner_id: '501',
    });
    expect(sent[0]!.associations).toEqual([{ to: { id: '42' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 192 }] }]);
    // No owner known: the task is unassigned, HubSpot lists it in the task queue.
    expect(sent[1]!.properties).not.toHaveProperty('hubspot_owner_id');
  });

  it('push with a request key writes the note once: the retry finds it by the marker in its body instead of creating another', async () => {
    const { session } = testSession();
    const searches: unknown[] = [];
    let created: { properties: Record<string, string> } | undefined;
    nock(API)
      .post('/crm/v3/objects/notes/search').reply(200, (_uri, body) => {
        searches.push(body);
        return { total: 0, results: [] };
      })
      .post('/crm/v3/objects/notes').reply(201, (_uri, body) => {
        created = body as typeof created;
        return { id: '9100', properties: {} };
      })
      // The first answer was lost and the row is pushed again: HubSpot's search now finds the note.
      .post('/crm/v3/objects/notes/search').reply(200, { total: 1, results: [{ id: '9100', properties: {} }] });
    const change = { kind: 'add_company_note', companyExternalId: '42', body: 'Reminder sent', timestamp: '2026-03-02T10:00:00.000Z' } as const;
    expect(await session.push(change, { requestKey: 'k1' })).toEqual({ externalId: '9100', version: null, attempts: 1 });
    expect(await session.push(change, { requestKey: 'k1' })).toEqual({ externalId: '9100', version: null, attempts: 1 });
    expect(created!.properties).not.toHaveProperty('relance_key');
    expect(created!.properties.hs_note_body).toBe('Reminder sent<p><small>relance-ref k1</small></p>');
    expect(searches[0]).toMatchObject({ filterGroups: [{ filters: [{ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN', value: 'k1' }] }] });
    expect(nock.isDone()).toBe(true);
  });

  it('a lost answer to the create is not resent blindly: the marker is searched again first, and found', async () => {
    const { session } = testSession();
    let creates = 0;
    nock(API)
      .post('/crm/v3/objects/notes/search').reply(200, { total: 0, results: [] })
      .post('/crm/v3/objects/notes').reply(() => {
        creates += 1;
        return [502, 'Bad Gateway'];
      })
      .post('/crm/v3/objects/notes/search').reply(200, { total: 1, results: [{ id: '9200', properties: {} }] });
    const change = { kind: 'add_company_note', companyExternalId: '42', body: 'Reminder sent', timestamp: '2026-03-02T10:00:00.000Z' } as const;
    expect(await session.push(change, { requestKey: 'abc123' })).toMatchObject({ externalId: '9200' });
    expect(creates).toBe(1);
    expect(nock.isDone()).toBe(true);
  });

  it('a 403 MISSING_SCOPES names the missing scope', async () => {
    const { session } = testSession();
    nock(API).post('/crm/v3/objects/notes').reply(403, hubspotError('MISSING_SCOPES', "This app hasn't been granted all required scopes to make this call.", {
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.contacts.write'] } }],
    }));
    const change = { kind: 'add_company_note', companyExternalId: '42', body: 'Reminder sent', timestamp: '2026-03-02T10:00:00.000Z' } as const;
    await expect(session.push(change)).rejects.toThrow(/lacks the scope crm\.objects\.contacts\.write/);
  });

  it('push refuses invoice-level changes, naming the kind', async () => {
    const { session } = testSession();
    await expect(session.push({ kind: 'set_dunning_stage', invoiceExternalId: 'I1', stage: 'x' })).rejects.toThrow(/set_dunning_stage/);
  });
});
