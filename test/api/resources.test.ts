/** What the endpoints return: paging and filters, a restricted collector's view, ids of another organization, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
  // More customers in A for paging: "Customer 00" … "Customer 06".
  for (let i = 0; i < 7; i++) {
    await w.db.pool.query(
      `INSERT INTO customers (organization_id, connection_id, external_id, name, paused, tags) VALUES ($1, $2, $3, $4, $5, $6)`,
      [w.orgA, w.connA, `P${i}`, `Customer 0${i}`, i % 2 === 0, i === 3 ? ['strategic'] : []],
    );
  }
  for (let i = 0; i < 5; i++) {
    await w.db.pool.query(
      `INSERT INTO activities (organization_id, customer_id, actor, kind, payload, occurred_at) VALUES ($1, $2, 'system', $3, '{}', '2026-03-01T10:00:00.123456Z')`,
      [w.orgA, w.customers.alpha, i < 3 ? 'reminder.sent' : 'payment.received'],
    );
  }
}, 60_000);
afterAll(() => w.close());

const get = (url: string, as: Parameters<World['as']>[0] = 'adminA') => w.app.inject({ method: 'GET', url, headers: w.as(as) });

describe('customers', () => {
  it('pages by name with a cursor, every customer once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/api/organizations/${w.orgA}/customers?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { items: { name: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((c) => c.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Alpha SARL', 'Beta SAS', ...[0, 1, 2, 3, 4, 5, 6].map((i) => `Customer 0${i}`)]);
  });

  it('filters by text, paused and tag', async () => {
    const q = (await get(`/api/organizations/${w.orgA}/customers?q=alpha`)).json();
    expect(q.items.map((c: { name: string }) => c.name)).toEqual(['Alpha SARL']);
    const paused = (await get(`/api/organizations/${w.orgA}/customers?paused=true`)).json();
    expect(paused.items.map((c: { name: string }) => c.name)).toEqual(['Customer 00', 'Customer 02', 'Customer 04', 'Customer 06']);
    const tagged = (await get(`/api/organizations/${w.orgA}/customers?tag=strategic`)).json();
    expect(tagged.items.map((c: { name: string }) => c.name)).toEqual(['Customer 03']);
  });

  it('shows a customer with its open balance as a decimal string', async () => {
    const res = await get(`/api/organizations/${w.orgA}/customers/${w.customers.alpha}`);
    expect(res.json()).toMatchObject({ name: 'Alpha SARL', open: [{ currency: 'EUR', balance: '1000.00', invoices: 1 }] });
  });

  it('gives a restricted collector only their assigned customers (404 for the others)', async () => {
    const list = (await get(`/api/organizations/${w.orgA}/customers`, 'restrictedA')).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([w.customers.alpha]);
    expect((await get(`/api/organizations/${w.orgA}/customers/${w.customers.beta}`, 'restrictedA')).statusCode).toBe(404);
    expect((await get(`/api/organizations/${w.orgA}/customers/${w.customers.beta}/timeline`, 'restrictedA')).statusCode).toBe(404);
    const invoices = (await get(`/api/organizations/${w.orgA}/invoices`, 'restrictedA')).json();
    expect(invoices.items.map((i: { id: string }) => i.id)).toEqual([w.invoices.alpha1]);
    expect((await get(`/api/organizations/${w.orgA}/invoices/${w.invoices.beta1}`, 'restrictedA')).statusCode).toBe(404);
  });

  it("answers 404 for another organization's customer, invoice or connection under one's own organization", async () => {
    for (const url of [
      `/api/organizations/${w.orgA}/customers/${w.customers.gamma}`,
      `/api/organizations/${w.orgA}/customers/${w.customers.gamma}/timeline`,
      `/api/organizations/${w.orgA}/invoices/${w.invoices.gamma1}`,
      `/api/organizations/${w.orgA}/connections/${w.connB}`,
    ]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
    const invoices = (await get(`/api/organizations/${w.orgA}/invoices?customerId=${w.customers.gamma}`)).json();
    expect(invoices.items).toEqual([]);
  });

  it('pages the timeline newest first, rows of the same microsecond included once, filtered by kind', async () => {
    const first = (await get(`/api/organizations/${w.orgA}/customers/${w.customers.alpha}/timeline?limit=2`)).json();
    const second = (await get(`/api/organizations/${w.orgA}/customers/${w.customers.alpha}/timeline?limit=2&cursor=${first.nextCursor}`)).json();
    const third = (await get(`/api/organizations/${w.orgA}/customers/${w.customers.alpha}/timeline?limit=2&cursor=${second.nextCursor}`)).json();
    const ids = [...first.items, ...second.items, ...third.items].map((a: { id: string }) => a.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.nextCursor).toBeNull();
    const reminders = (await get(`/api/organizations/${w.orgA}/customers/${w.customers.alpha}/timeline?kind=reminder`)).json();
    expect(reminders.items).toHaveLength(3);
  });

  it('refuses a bad limit or cursor with 400 naming it', async () => {
    const limit = await get(`/api/organizations/${w.orgA}/customers?limit=1000`);
    expect(limit.statusCode).toBe(400);
    expect(limit.json().error).toMatchObject({ code: 'invalid', field: 'limit' });
    const cursor = await get(`/api/organizations/${w.orgA}/customers?cursor=garbage`);
    expect(cursor.json().error.field).toBe('cursor');
  });
});

describe('invoices', () => {
  it('lists with amounts as decimal strings and filters by status and due date', async () => {
    const res = (await get(`/api/organizations/${w.orgA}/invoices?status=open&dueBefore=2026-03-01`)).json();
    expect(res.items).toHaveLength(2);
    expect(res.items[0]).toMatchObject({ currency: 'EUR', total: '1200.00', balance: '1000.00', status: 'open' });
    expect((await get(`/api/organizations/${w.orgA}/invoices?dueBefore=2026-01-01`)).json().items).toEqual([]);
    expect((await get(`/api/organizations/${w.orgA}/invoices?status=late`)).json().error.field).toBe('status');
  });

  it("shows one invoice with the provider's payment link", async () => {
    const res = (await get(`/api/organizations/${w.orgA}/invoices/${w.invoices.alpha1}`)).json();
    expect(res).toMatchObject({ number: 'F-C-ALPHA', paymentUrl: 'https://pay.example.com/C-ALPHA', allocations: [] });
  });
});

describe('writes', () => {
  const send = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: unknown) =>
    w.app.inject({ method, url, headers: w.as('adminA'), payload: payload as object });

  it('refuses invalid bodies with 400 naming the field, and saves nothing', async () => {
    const cases: [string, 'POST' | 'PUT' | 'PATCH', string, unknown, string][] = [
      ['patch', 'PATCH', `/api/organizations/${w.orgA}`, { timezone: 'Mars/Olympus' }, 'timezone'],
      ['unknown key', 'PATCH', `/api/organizations/${w.orgA}`, { baseCurrency: 'USD' }, 'baseCurrency'],
      ['branding', 'PUT', `/api/organizations/${w.orgA}/branding`, { logoUrl: 'javascript:alert(1)', primaryColor: '#fff' }, 'logoUrl'],
      ['member', 'POST', `/api/organizations/${w.orgA}/members`, { email: 'x@a.example', role: 'owner' }, 'role'],
      ['scenario', 'PUT', `/api/organizations/${w.orgA}/scenarios/firm`, { name: 'firm', steps: [{ offsetDays: 7, action: 'fax', template: 'r' }] }, 'steps.0.action'],
      ['portal link', 'POST', `/api/organizations/${w.orgA}/customers/${w.customers.alpha}/portal-links`, { days: 0 }, 'days'],
    ];
    const before = await w.db.pool.query('SELECT count(*)::int AS n FROM activities');
    for (const [name, method, url, body, field] of cases) {
      const res = await send(method, url, body);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
      expect(res.json().error, name).toMatchObject({ code: 'invalid', field });
    }
    expect((await w.db.pool.query('SELECT count(*)::int AS n FROM activities')).rows[0]).toEqual(before.rows[0]);
    expect((await w.db.pool.query("SELECT count(*)::int AS n FROM users WHERE email = 'x@a.example'")).rows[0].n).toBe(0);
  });

  it('validates a scenario with the engine’s own rules, naming the step', async () => {
    const res = await send('POST', `/api/organizations/${w.orgA}/scenarios/validate`, {
      name: 'x', steps: [{ offsetDays: 7, action: 'email', template: 'a' }, { offsetDays: 3, action: 'email', template: 'b' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('steps[1].offsetDays');
  });

  it('adds a member, changes their role, assigns and unassigns a customer, removes them, each audited', async () => {
    const added = await send('POST', `/api/organizations/${w.orgA}/members`, { email: 'New.Person@A.example', role: 'collector', assignedOnly: true });
    expect(added.statusCode, added.body).toBe(201);
    const userId = added.json().id as string;
    expect(added.json()).toMatchObject({ email: 'new.person@a.example', role: 'collector', assignedOnly: true });
    const assigned = await send('POST', `/api/organizations/${w.orgA}/members/${userId}/customers`, { customerIds: [w.customers.beta] });
    expect(assigned.json()).toEqual({ customerIds: [w.customers.beta] });
    const foreign = await send('POST', `/api/organizations/${w.orgA}/members/${userId}/customers`, { customerIds: [w.customers.gamma] });
    expect(foreign.statusCode).toBe(404);
    const un = await w.app.inject({ method: 'DELETE', url: `/api/organizations/${w.orgA}/members/${userId}/customers/${w.customers.beta}`, headers: w.as('adminA') });
    expect(un.statusCode).toBe(204);
    expect((await send('PUT', `/api/organizations/${w.orgA}/members/${userId}`, { role: 'viewer' })).json()).toMatchObject({ role: 'viewer' });
    const removed = await w.app.inject({ method: 'DELETE', url: `/api/organizations/${w.orgA}/members/${userId}`, headers: w.as('adminA') });
    expect(removed.statusCode).toBe(204);
    const { rows } = await w.db.pool.query(`SELECT kind FROM activities WHERE organization_id = $1 AND kind LIKE 'audit.%' ORDER BY occurred_at`, [w.orgA]);
    expect(rows.map((r) => r.kind)).toEqual(['audit.membership.grant', 'audit.assignment.add', 'audit.assignment.remove', 'audit.membership.grant', 'audit.membership.revoke']);
    // B's admin cannot remove A's members, nor can an admin demote or remove themselves.
    expect((await w.app.inject({ method: 'DELETE', url: `/api/organizations/${w.orgA}/members/${w.users.viewerA.id}`, headers: w.as('adminB') })).statusCode).toBe(404);
    expect((await send('PUT', `/api/organizations/${w.orgA}/members/${w.users.adminA.id}`, { role: 'viewer' })).statusCode).toBe(409);
  });

  it('creates an organization only for an admin, who becomes its admin; groups need admin of each member', async () => {
    const body = { name: 'Atelier C', baseCurrency: 'EUR', country: 'FR' };
    expect((await w.app.inject({ method: 'POST', url: '/api/organizations', headers: w.as('viewerA'), payload: body })).statusCode).toBe(403);
    const res = await send('POST', '/api/organizations', body);
    expect(res.statusCode, res.body).toBe(201);
    const mine = (await get('/api/organizations')).json().items.map((o: { name: string; role: string }) => `${o.name}:${o.role}`);
    expect(mine).toEqual(['Atelier A:admin', 'Atelier C:admin']);
    expect((await send('POST', '/api/groups', { name: 'Group AB', organizationIds: [w.orgA, w.orgB] })).statusCode).toBe(404);
    const group = await send('POST', '/api/groups', { name: 'Group AC', organizationIds: [w.orgA, res.json().id] });
    expect(group.statusCode).toBe(201);
    expect((await send('POST', '/api/groups', { name: 'Group AC', organizationIds: [w.orgA] })).statusCode).toBe(409);
    expect((await w.app.inject({ method: 'GET', url: '/api/groups', headers: w.as('adminB') })).json().items).toEqual([]);
  });

  it('retries a parked outbox row only within its organization', async () => {
    await w.db.pool.query(
      `INSERT INTO outbox (id, organization_id, connection_id, kind, entity, payload, idempotency_key, status, attempts, last_error)
       VALUES ('00000000-0000-4000-8000-0000000000b1', $1, $2, 'add-note', 'invoice', '{}', 'k-b1', 'parked', 5, '{"code":"conflict"}')`,
      [w.orgB, w.connB],
    );
    expect((await send('POST', `/api/organizations/${w.orgA}/outbox/00000000-0000-4000-8000-0000000000b1/retry`, {})).statusCode).toBe(404);
    const outbox = (await w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgB}/outbox`, headers: w.as('adminB') })).json();
    expect(outbox.counts.parked).toBe(1);
    expect(outbox.parked[0]).toMatchObject({ kind: 'add-note', lastError: { code: 'conflict' } });
    const ok = await w.app.inject({ method: 'POST', url: `/api/organizations/${w.orgB}/outbox/00000000-0000-4000-8000-0000000000b1/retry`, headers: w.as('adminB') });
    expect(ok.statusCode).toBe(200);
    const { rows } = await w.db.pool.query(`SELECT status FROM outbox WHERE id = '00000000-0000-4000-8000-0000000000b1'`);
    expect(rows[0].status).toBe('pending');
  });

  it('sync now: 503 without a scheduler, 409 once disconnected', async () => {
    const url = `/api/organizations/${w.orgB}/connections/${w.connB}`;
    const sync = await w.app.inject({ method: 'POST', url: `${url}/sync`, headers: w.as('adminB'), payload: {} });
    expect(sync.statusCode).toBe(503);
    const off = await w.app.inject({ method: 'POST', url: `${url}/disconnect`, headers: w.as('adminB') });
    expect(off.json()).toMatchObject({ status: 'disconnected' });
    expect((await w.app.inject({ method: 'POST', url: `${url}/sync`, headers: w.as('adminB'), payload: {} })).statusCode).toBe(409);
  });
});

describe('the approval queue', () => {
  const ACTION_BETA = '00000000-0000-4000-8000-0000000000e1';
  const ACTION_GAMMA = '00000000-0000-4000-8000-0000000000e2';
  beforeAll(async () => {
    await w.db.pool.query(
      `INSERT INTO actions (id, organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, currency, amount_due_minor)
       VALUES ($1, $2, $3, 3, 'email', 'reminder-2', 'awaiting_approval', 'k-e1', '2026-02-25', 'EUR', 100000),
              ($4, $5, $6, 3, 'email', 'reminder-2', 'awaiting_approval', 'k-e2', '2026-02-25', 'EUR', 100000)`,
      [ACTION_BETA, w.orgA, w.customers.beta, ACTION_GAMMA, w.orgB, w.customers.gamma],
    );
  });

  it('lists waiting actions with amounts as decimal strings, and hides unassigned ones from a restricted collector', async () => {
    const all = (await get(`/api/organizations/${w.orgA}/actions/queue`)).json();
    expect(all.items).toEqual([expect.objectContaining({ id: ACTION_BETA, amountDue: '1000.00', customerName: 'Beta SAS' })]);
    expect((await get(`/api/organizations/${w.orgA}/actions/queue`, 'restrictedA')).json().items).toEqual([]);
  });

  it("reports another organization's or an unassigned action as not found, per id, and leaves it waiting", async () => {
    const restricted = await w.app.inject({ method: 'POST', url: `/api/organizations/${w.orgA}/actions/approve`, headers: w.as('restrictedA'), payload: { ids: [ACTION_BETA] } });
    expect(restricted.json()).toEqual({ results: [{ id: ACTION_BETA, ok: false, error: 'not found' }] });
    const mixed = await w.app.inject({ method: 'POST', url: `/api/organizations/${w.orgA}/actions/approve`, headers: w.as('collectorA'), payload: { ids: [ACTION_GAMMA, ACTION_BETA] } });
    expect(mixed.json()).toEqual({ results: [{ id: ACTION_GAMMA, ok: false, error: 'not found' }, { id: ACTION_BETA, ok: true }] });
    const { rows } = await w.db.pool.query('SELECT id, status, approved_by FROM actions WHERE id = ANY($1) ORDER BY id', [[ACTION_BETA, ACTION_GAMMA]]);
    expect(rows).toEqual([
      { id: ACTION_BETA, status: 'planned', approved_by: w.users.collectorA.id },
      { id: ACTION_GAMMA, status: 'awaiting_approval', approved_by: null },
    ]);
  });

  it('a rejection needs a reason (400 naming it)', async () => {
    const res = await w.app.inject({ method: 'POST', url: `/api/organizations/${w.orgB}/actions/reject`, headers: w.as('adminB'), payload: { ids: [ACTION_GAMMA] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('reason');
  });
});

describe('mappings and reports', () => {
  const base = () => `/api/organizations/${w.orgA}/connections/${w.connA}/mappings`;
  const override = { fields: { email: { firstOf: ['Notes', 'PrimaryEmailAddr.Address'] } } };

  it('previews an override on sample records, saves it, and the stored one is then in force', async () => {
    const records = { QueryResponse: { Customer: [{ Id: '5', DisplayName: 'X', Notes: 'billing@x.fr', CurrencyRef: { value: 'EUR' } }] } };
    const before = await w.app.inject({ method: 'POST', url: `${base()}/customer/preview`, headers: w.as('viewerA'), payload: { records } });
    expect(before.json().records[0]).toMatchObject({ externalId: '5', email: null });
    const tried = await w.app.inject({ method: 'POST', url: `${base()}/customer/preview`, headers: w.as('viewerA'), payload: { records, override } });
    expect(tried.json().records[0]).toMatchObject({ email: 'billing@x.fr' });
    expect((await w.app.inject({ method: 'PUT', url: `${base()}/customer`, headers: w.as('adminA'), payload: override })).statusCode).toBe(200);
    const after = await w.app.inject({ method: 'POST', url: `${base()}/customer/preview`, headers: w.as('viewerA'), payload: { records } });
    expect(after.json().records[0]).toMatchObject({ email: 'billing@x.fr' });
    const listed = (await get(base())).json();
    expect(listed.items.find((m: { entity: string }) => m.entity === 'customer').override).toEqual(override);
  });

  it('refuses a bad override or entity with 400 naming it, saving nothing', async () => {
    const bad = await w.app.inject({ method: 'PUT', url: `${base()}/invoice`, headers: w.as('adminA'), payload: { fields: { total: { transform: { type: 'teleport' } } } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBeTruthy();
    const entity = await w.app.inject({ method: 'PUT', url: `${base()}/spaceship`, headers: w.as('adminA'), payload: override });
    expect(entity.json().error).toMatchObject({ code: 'invalid', field: 'entity' });
    const { rows } = await w.db.pool.query('SELECT mapping_overrides FROM connections WHERE id = $1', [w.connA]);
    expect(Object.keys(rows[0].mapping_overrides)).toEqual(['customer']);
  });

  it('prints aging as FORMATS.md shapes it, and keeps organization totals from a restricted collector', async () => {
    const aging = (await get(`/api/organizations/${w.orgA}/reports/aging?asOf=2026-03-01`)).json();
    // The ledger's open balance is the total less allocations (none here), not the synced balance.
    expect(aging).toMatchObject({ asOf: '2026-03-01', currency: 'EUR', total: '2400.00', disputed: '0.00' });
    expect(aging.buckets['1-30']).toBe('2400.00');
    expect(aging.byCustomer.map((c: { customerExternalId: string }) => c.customerExternalId)).toEqual(['C-ALPHA', 'C-BETA']);
    expect((await get(`/api/organizations/${w.orgA}/reports/aging`, 'restrictedA')).statusCode).toBe(403);
    expect((await get(`/api/organizations/${w.orgA}/reports/dso?asOf=01-03-2026`)).json().error.field).toBe('asOf');
  });
});

describe('templates', () => {
  it('lists the shipped templates and previews one with sample data, for any logged-in role', async () => {
    const list = (await get('/api/templates', 'viewerA')).json();
    expect(list.items).toContainEqual({ channel: 'email', name: 'reminder-1', language: 'fr' });
    const fr = await get('/api/templates/email/reminder-1/preview?language=fr', 'viewerA');
    expect(fr.statusCode, fr.body).toBe(200);
    expect(fr.json()).toMatchObject({ name: 'reminder-1', channel: 'email', language: 'fr' });
    expect(fr.json().html).toContain('<html');
    expect((await get('/api/templates/email/reminder-1/preview?language=xx')).statusCode).toBe(404);
    expect((await get('/api/templates/fax/reminder-1/preview')).json().error.field).toBe('channel');
    expect((await w.app.inject({ method: 'GET', url: '/api/templates' })).statusCode).toBe(401);
  });
});
