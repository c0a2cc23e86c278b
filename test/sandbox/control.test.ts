import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFound } from '../../core/errors.ts';
import { buildControlApp } from '../../sandbox/control.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import type { Fault, SimControl, WrittenBack } from '../../sandbox/shared/contract.ts';
import { createXeroSimulator } from '../../sandbox/xero/index.ts';

/** A SimControl that records what it is asked, to see the control API hand over exactly the body. */
function recordingControl(): SimControl & { calls: unknown[][]; faults: Fault[]; target: string | null } {
  const written: WrittenBack[] = [{ at: '2026-03-01T10:00:00Z', entity: 'invoice', id: 'I1', what: 'note', body: { text: 'hi' } }];
  const self = {
    calls: [] as unknown[][],
    faults: [] as Fault[],
    target: null as string | null,
    async editRecord(entity: string, id: string, patch: Record<string, unknown>) {
      if (id === 'missing') throw new NotFound(`no ${entity} ${id}`, { field: 'id' });
      if (id === 'refused') throw new Error('cannot edit a paid invoice');
      self.calls.push(['editRecord', entity, id, patch]);
      return { id, ...patch };
    },
    async recordPayment(input: unknown) {
      self.calls.push(['recordPayment', input]);
      return { id: 'P9' };
    },
    injectFault(fault: Fault) {
      self.faults.push(fault);
    },
    clearFaults() {
      self.faults = [];
    },
    writtenBack: () => written,
    setWebhookTarget(url: string | null) {
      self.target = url;
    },
  };
  return self;
}

describe('control API over a recording SimControl', () => {
  const control = recordingControl();
  const app = buildControlApp({ quickbooks: control });
  afterAll(() => app.close());

  it('edits a record with the patch as the body', async () => {
    const res = await app.inject({ method: 'PATCH', url: '/quickbooks/records/invoice/I7', payload: { DueDate: '2026-04-01' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'I7', DueDate: '2026-04-01' });
    expect(control.calls.at(-1)).toEqual(['editRecord', 'invoice', 'I7', { DueDate: '2026-04-01' }]);
  });

  it('records a payment, validating it first', async () => {
    const payment = { customerId: 'C000001', amountMinor: 5000, date: '2026-03-01', allocations: [{ invoiceId: 'I1', amountMinor: 5000 }] };
    const ok = await app.inject({ method: 'POST', url: '/quickbooks/payments', payload: payment });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({ id: 'P9' });
    expect(control.calls.at(-1)).toEqual(['recordPayment', payment]);
    const bad = await app.inject({ method: 'POST', url: '/quickbooks/payments', payload: { ...payment, amountMinor: 12.5 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^amountMinor: /);
    const badDate = await app.inject({ method: 'POST', url: '/quickbooks/payments', payload: { ...payment, date: '1/3/2026' } });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().message).toMatch(/^date: /);
  });

  it('injects and clears faults', async () => {
    const res = await app.inject({ method: 'POST', url: '/quickbooks/faults', payload: { kind: 'timeout', count: 2, pathPrefix: '/v3' } });
    expect(res.statusCode).toBe(201);
    expect(control.faults).toEqual([{ kind: 'timeout', count: 2, pathPrefix: '/v3' }]);
    const bad = await app.inject({ method: 'POST', url: '/quickbooks/faults', payload: { kind: 'meteor' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^kind: /);
    const cleared = await app.inject({ method: 'DELETE', url: '/quickbooks/faults' });
    expect(cleared.statusCode).toBe(204);
    expect(control.faults).toEqual([]);
  });

  it('shows what was written back and sets the webhook target', async () => {
    const written = await app.inject({ method: 'GET', url: '/quickbooks/written-back' });
    expect(written.json()).toEqual([{ at: '2026-03-01T10:00:00Z', entity: 'invoice', id: 'I1', what: 'note', body: { text: 'hi' } }]);
    const put = await app.inject({ method: 'PUT', url: '/quickbooks/webhook-target', payload: { url: 'http://127.0.0.1:9999/webhooks/quickbooks' } });
    expect(put.statusCode).toBe(204);
    expect(control.target).toBe('http://127.0.0.1:9999/webhooks/quickbooks');
    await app.inject({ method: 'PUT', url: '/quickbooks/webhook-target', payload: { url: null } });
    expect(control.target).toBeNull();
    const bad = await app.inject({ method: 'PUT', url: '/quickbooks/webhook-target', payload: { url: 'not a url' } });
    expect(bad.statusCode).toBe(400);
  });

  it('answers 404 JSON for an unknown provider or one without a simulator', async () => {
    for (const provider of ['sage', 'xero']) {
      const res = await app.inject({ method: 'DELETE', url: `/${provider}/faults` });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'unknown_provider', providers: ['quickbooks'] });
    }
  });

  it('maps a simulator refusal to 422 and a typed NotFound to 404', async () => {
    const missing = await app.inject({ method: 'PATCH', url: '/quickbooks/records/invoice/missing', payload: {} });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found', field: 'id' });
    const refused = await app.inject({ method: 'PATCH', url: '/quickbooks/records/invoice/refused', payload: { Balance: 0 } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toEqual({ error: 'rejected', message: 'cannot edit a paid invoice' });
    const notJson = await app.inject({ method: 'POST', url: '/quickbooks/faults', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(notJson.statusCode).toBe(400);
  });
});

describe('control API over the Xero simulator', () => {
  const sim = createXeroSimulator({ world: generateWorld({ seed: 5, invoices: 20, asOf: '2026-03-01' }), limits: false });
  const app = buildControlApp({ xero: sim.control });
  const invoices = (): Promise<number> =>
    sim.app
      .inject({
        method: 'GET',
        url: '/api.xro/2.0/Invoices',
        headers: { authorization: `Bearer ${sim.credentials.accessToken}`, 'xero-tenant-id': sim.credentials.tenantId! },
      })
      .then((r) => r.statusCode);
  afterAll(async () => {
    await app.close();
    await sim.app.close();
  });

  it('injects a fault that the simulator then serves, once', async () => {
    expect(await invoices()).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/xero/faults', payload: { kind: 'server_error', count: 1, pathPrefix: '/api.xro/2.0/Invoices' } });
    expect(res.statusCode).toBe(201);
    expect(await invoices()).toBeGreaterThanOrEqual(500);
    expect(await invoices()).toBe(200);
  });

  it('clears a standing fault', async () => {
    await app.inject({ method: 'POST', url: '/xero/faults', payload: { kind: 'token_revoked' } });
    expect(await invoices()).toBe(401);
    expect(await invoices()).toBe(401);
    await app.inject({ method: 'DELETE', url: '/xero/faults' });
    expect(await invoices()).toBe(200);
  });

  it('refuses an edit of a record that does not exist, with the simulator\u2019s reason', async () => {
    const res = await app.inject({ method: 'PATCH', url: '/xero/records/invoice/no-such-id', payload: { Reference: 'x' } });
    // 404 once the simulator throws a typed NotFound, 422 while it throws a plain refusal.
    expect([404, 422]).toContain(res.statusCode);
    expect(res.json().message).toMatch(/no-such-id/);
    const written = await app.inject({ method: 'GET', url: '/xero/written-back' });
    expect(written.json()).toEqual([]);
  });
});

describe('startSandbox', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 3, invoices: 50, asOf: '2026-03-01', port: 0, limits: {} });
  });
  afterAll(() => sandbox?.close());

  it('prints exactly the FORMATS.md object, with each simulator on its own loopback port', () => {
    const json = JSON.parse(JSON.stringify(sandbox)) as Record<string, Record<string, string>>;
    expect(Object.keys(json)).toEqual(['quickbooks', 'xero', 'hubspot', 'control']);
    for (const key of ['baseUrl', 'realmId', 'clientId', 'clientSecret', 'accessToken', 'refreshToken', 'webhookVerifierToken']) {
      expect(typeof json.quickbooks![key]).toBe('string');
    }
    for (const key of ['baseUrl', 'tenantId', 'accessToken', 'refreshToken', 'webhookKey']) expect(typeof json.xero![key]).toBe('string');
    for (const key of ['baseUrl', 'accessToken', 'clientSecret']) expect(typeof json.hubspot![key]).toBe('string');
    const urls = Object.values(json).map((v) => v.baseUrl!);
    for (const url of urls) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set(urls).size).toBe(4);
    expect(sandbox.world.quickbooks.invoices).toHaveLength(50);
  });

  it('serves the control API and the simulators over HTTP', async () => {
    const res = await fetch(`${sandbox.control.baseUrl}/`);
    expect(await res.json()).toEqual({ providers: ['quickbooks', 'xero', 'hubspot'] });
    const companies = await fetch(`${sandbox.hubspot.baseUrl}/crm/v3/objects/companies?limit=5`, {
      headers: { authorization: `Bearer ${sandbox.hubspot.accessToken}` },
    });
    expect(companies.status).toBe(200);
    expect(((await companies.json()) as { results: unknown[] }).results).toHaveLength(5);
  });

  it('refuses a port that is taken, naming the option', async () => {
    const taken = Number(new URL(sandbox.control.baseUrl).port);
    await expect(startSandbox({ seed: 3, invoices: 10, asOf: '2026-03-01', port: taken - 3, limits: false })).rejects.toThrow(/^port: /);
  });
});
