/**
 * The collector's workspace through the admin API on a real PostgreSQL: the worklist (amounts from
 * invoices even when the synced balance is empty, as for Xero; sort, filters, search by number,
 * "mine", paging, the whole list for exports, a saved view), holds by hand (a past end date refused,
 * the CRM's paused property queued, expiry resumes by itself), notes, calls (a promise outcome
 * records the promise and holds the next reminder), tasks (an assignee who cannot see the customer
 * refused), the timeline in words, and unapplied money listed and applied by hand (above the
 * unapplied amount or in another currency refused, nothing written).
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { organizationToday } from '../../server/api/customers.ts';
import { expireHolds } from '../../core/holds/index.ts';
import { createWorld, seedUnappliedPayment, type World } from './world.ts';

let w: World;
let payment: string;
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  w = await createWorld();
  // Beta owes more and longer; its synced balance is empty, as every Xero contact's is.
  await w.db.pool.query(`UPDATE customers SET balance_minor = NULL WHERE id = $1`, [w.customers.beta]);
  await w.db.pool.query(
    `INSERT INTO invoices (organization_id, connection_id, external_id, customer_external_id, customer_id, currency, number, issue_date, due_date, total_minor, balance_minor, status)
     VALUES ($1, $2, 'INV-B2', 'C-BETA', $3, 'EUR', 'F-B2', '2025-11-01', '2025-12-01', 250000, 250000, 'open'),
            ($1, $2, 'INV-B3', 'C-BETA', $3, 'USD', 'F-B3', '2025-11-01', '2025-12-01', 99900, 99900, 'open')`,
    [w.orgA, w.connA, w.customers.beta],
  );
  // Beta is the HubSpot company 9001: a pause is written to its "paused" property.
  const { rows } = await w.db.pool.query<{ id: string }>(`INSERT INTO connections (organization_id, provider, external_account_id) VALUES ($1, 'hubspot', 'portal-1') RETURNING id`, [w.orgA]);
  await w.db.pool.query(`INSERT INTO customer_external_refs (customer_id, connection_id, kind, external_id, matched_by) VALUES ($1, $2, 'company', '9001', 'manual')`, [w.customers.beta, rows[0]!.id]);
  await w.db.pool.query(
    `INSERT INTO actions (organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for)
     VALUES ($1, $2, 2, 'email', 'reminder-1', 'planned', 'ws-next', $3)`,
    [w.orgA, w.customers.beta, inDays(3)],
  );
  payment = await seedUnappliedPayment(w);
}, 60_000);
afterAll(() => w.close());

const A = () => `/api/organizations/${w.orgA}`;
const get = (url: string, as: Parameters<World['as']>[0] = 'collectorA') => w.app.inject({ method: 'GET', url, headers: w.as(as) });
const send = (method: 'POST' | 'PUT', url: string, payload: object, as: Parameters<World['as']>[0] = 'collectorA') => w.app.inject({ method, url, headers: w.as(as), payload });

describe('the worklist', () => {
  it('sorts by overdue amount with amounts from the invoices in the customer’s currency', async () => {
    const res = await get(`${A()}/customers?sort=overdue`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.total).toBe(2);
    expect(body.items.map((c: { name: string }) => c.name)).toEqual(['Beta SAS', 'Alpha SARL']);
    // 1000.00 + 2500.00 EUR; the USD invoice is not added to a EUR customer's amounts.
    expect(body.items[0]).toMatchObject({ currency: 'EUR', open: '3500.00', overdue: '3500.00', balance: '3500.00', openInvoices: 2, number: 'C-BETA' });
    expect(body.items[0].oldestOverdueDays).toBeGreaterThan(300);
    expect(body.items[0].nextAction).toMatchObject({ step: 2, channel: 'email', status: 'planned', heldBy: null });
    expect(body.items[0].flags).toEqual({ disputed: false, promised: false, paused: false, onHold: false });
  });

  it('shows what comes next where nothing is planned: the forecast of the plan, the ledger as it stands', async () => {
    // The world's organization has no scenario (nothing to forecast); the shipped ones for this test only.
    await installDefaultScenarios(w.db.db, w.orgA);
    onTestFinished(async () => void (await w.db.pool.query(`DELETE FROM scenarios WHERE organization_id = $1`, [w.orgA])));
    const items = (await get(`${A()}/customers?sort=name`)).json().items as { name: string; nextAction: unknown; forecast: { date: string; step: number; channel: string } | null }[];
    const [alpha, beta] = items;
    // Beta has its planned reminder: no forecast beside it.
    expect(beta).toMatchObject({ name: 'Beta SAS', nextAction: { step: 2 }, forecast: null });
    // Alpha's invoice (due 4 February) has every step behind it and no action yet: today's run plans one.
    expect(alpha!.name).toBe('Alpha SARL');
    expect(alpha!.nextAction).toBeNull();
    expect(alpha!.forecast).toMatchObject({ date: await organizationToday(w.db.db, w.orgA), step: expect.any(Number), channel: expect.any(String) });
    // The customer page reads the same.
    expect((await get(`${A()}/customers/${w.customers.alpha}`)).json().worklist.forecast).toEqual(alpha!.forecast);
    // Exports leave it out (a whole list's ledgers are not loaded for it).
    expect((await get(`${A()}/customers?all=true`)).json().items.every((c: { forecast: unknown }) => c.forecast === null)).toBe(true);
  });

  it('searches by invoice number, filters mine, pages and gives the whole list for exports', async () => {
    expect((await get(`${A()}/customers?q=F-B2`)).json().items.map((c: { name: string }) => c.name)).toEqual(['Beta SAS']);
    expect((await get(`${A()}/customers?q=c-alpha@example`)).json().items.map((c: { name: string }) => c.name)).toEqual(['Alpha SARL']);
    const mine = (await get(`${A()}/customers?mine=true`, 'restrictedA')).json();
    expect(mine.items.map((c: { name: string }) => c.name)).toEqual(['Alpha SARL']);
    const first = (await get(`${A()}/customers?sort=overdue&limit=1`)).json();
    expect(first.items).toHaveLength(1);
    const second = (await get(`${A()}/customers?sort=overdue&limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((c: { name: string }) => c.name)).toEqual(['Alpha SARL']);
    expect(second.nextCursor).toBeNull();
    expect((await get(`${A()}/customers?limit=1&all=true`)).json().items).toHaveLength(2);
    expect((await get(`${A()}/customers?sort=wrong`)).json().error.field).toBe('sort');
  });

  it('saves a view per user and refuses a field it does not know', async () => {
    const saved = await send('PUT', `${A()}/worklist-view`, { sort: 'overdue', direction: 'desc', overdueOnly: true }, 'viewerA');
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await get(`${A()}/worklist-view`, 'viewerA')).json().view).toEqual({ sort: 'overdue', direction: 'desc', overdueOnly: true });
    expect((await get(`${A()}/worklist-view`, 'collectorA')).json().view).toBeNull();
    const bad = await send('PUT', `${A()}/worklist-view`, { colour: 'red' }, 'viewerA');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('colour');
  });
});

describe('holds, notes, calls and tasks', () => {
  it('refuses a pause ending in the past, naming the field, and writes nothing', async () => {
    const res = await send('POST', `${A()}/customers/${w.customers.beta}/holds`, { reason: 'talking to them', until: '2020-01-01' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('until');
    const { rows } = await w.db.pool.query(`SELECT 1 FROM dunning_holds WHERE customer_id = $1`, [w.customers.beta]);
    expect(rows).toHaveLength(0);
  });

  it('pauses until a date: shown in the worklist and timeline, written to the HubSpot company, resumed by itself', async () => {
    const res = await send('POST', `${A()}/customers/${w.customers.beta}/holds`, { reason: 'waiting for the PO', until: inDays(10) });
    expect(res.statusCode, res.body).toBe(201);
    const [holdId] = res.json().holdIds;
    const row = (await get(`${A()}/customers?paused=true`)).json().items[0];
    expect(row).toMatchObject({ name: 'Beta SAS', flags: { paused: true }, hold: { reason: 'waiting for the PO', until: inDays(10) }, nextAction: { heldBy: 'paused' } });
    const { rows: outbox } = await w.db.pool.query(`SELECT kind, external_id, payload FROM outbox WHERE kind = 'set_company_properties' ORDER BY seq`);
    expect(outbox.at(-1)).toMatchObject({ external_id: '9001', payload: { properties: { paused: true } } });
    const timeline = (await get(`${A()}/customers/${w.customers.beta}/timeline`)).json();
    expect(timeline.items[0].text).toMatch(/^collector@a\.example paused reminders until .*: waiting for the PO$/);
    // Its last day passes: the hold is released by the expiry job, and the company un-paused.
    await w.db.pool.query(`UPDATE dunning_holds SET until = current_date - 1 WHERE id = $1`, [holdId]);
    expect(await expireHolds(w.db.db)).toBe(1);
    const { rows: after } = await w.db.pool.query(`SELECT payload FROM outbox WHERE kind = 'set_company_properties' ORDER BY seq DESC LIMIT 1`);
    expect(after[0].payload.properties).toEqual({ paused: false });
    expect((await get(`${A()}/customers/${w.customers.beta}/timeline?lang=fr`)).json().items[0].text).toMatch(/^Les relances ont repris d’elles-mêmes/);
  });

  it('logs a call with a promise: the promise is recorded and the next reminder held', async () => {
    const res = await send('POST', `${A()}/customers/${w.customers.beta}/calls`, { outcome: 'promise', note: 'pays on Friday', promise: { amount: '2500.00', date: inDays(5) } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().promiseId).toBeTruthy();
    const row = (await get(`${A()}/customers?promised=true`)).json().items;
    expect(row.map((c: { name: string }) => c.name)).toEqual(['Beta SAS']);
    expect(row[0]).toMatchObject({ promise: { date: inDays(5), amount: '2500.00' }, nextAction: { heldBy: 'promise' } });
    expect(row[0].lastContact).toBeTruthy();
    const missing = await send('POST', `${A()}/customers/${w.customers.beta}/calls`, { outcome: 'promise' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.field).toBe('promise');
  });

  it('adds a note and a task; an assignee who cannot see the customer is refused', async () => {
    expect((await send('POST', `${A()}/customers/${w.customers.beta}/notes`, { body: 'Asked for a copy' })).statusCode).toBe(201);
    const refused = await send('POST', `${A()}/customers/${w.customers.beta}/tasks`, { title: 'Call back', dueDate: inDays(2), assigneeId: w.users.restrictedA.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.field).toBe('assigneeId');
    const outsider = await send('POST', `${A()}/customers/${w.customers.beta}/tasks`, { title: 'Call back', dueDate: inDays(2), assigneeId: w.users.adminB.id });
    expect(outsider.json().error.field).toBe('assigneeId');
    const made = await send('POST', `${A()}/customers/${w.customers.beta}/tasks`, { title: 'Call back', dueDate: inDays(2), assigneeId: w.users.viewerA.id, hubspot: true });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().hubspotTasks).toBe(1);
    const tasks = (await get(`${A()}/tasks`, 'viewerA')).json().items;
    expect(tasks).toMatchObject([{ title: 'Call back', dueDate: inDays(2), customer: { name: 'Beta SAS' } }]);
  });
});

describe('unapplied money', () => {
  it('lists the payment with its age and suggestions, whether or not suggestions were ever computed', async () => {
    const res = await get(`${A()}/unapplied`, 'viewerA');
    expect(res.statusCode, res.body).toBe(200);
    const [item] = res.json().items;
    expect(item).toMatchObject({ id: payment, kind: 'payment', amount: '1000.00', currency: 'EUR', customer: { name: 'Beta SAS' }, reference: 'F-C-BETA' });
    expect(item.ageDays).toBeGreaterThan(0);
    expect(item.suggestions[0]).toMatchObject({ rank: 1, rule: 'reference', weak: false, allocations: [{ number: 'F-C-BETA', amount: '1000.00' }] });
  });

  it('refuses more than the unapplied amount or another currency, naming the field and writing nothing', async () => {
    const url = `${A()}/unapplied/payment/${payment}/allocate`;
    const { rows: usd } = await w.db.pool.query<{ id: string }>(`SELECT id FROM invoices WHERE number = 'F-B3'`);
    const { rows: b2 } = await w.db.pool.query<{ id: string }>(`SELECT id FROM invoices WHERE number = 'F-B2'`);
    const above = await send('POST', url, { allocations: [{ invoiceId: b2[0]!.id, amount: '1000.01' }] });
    expect(above.statusCode).toBe(400);
    expect(above.json().error.field).toBe('allocations');
    const currency = await send('POST', url, { currency: 'USD', allocations: [{ invoiceId: b2[0]!.id, amount: '10.00' }] });
    expect(currency.json().error.field).toBe('currency');
    const other = await send('POST', url, { allocations: [{ invoiceId: usd[0]!.id, amount: '10.00' }] });
    expect(other.json().error.field).toBe('allocations.0.invoiceId');
    const { rows } = await w.db.pool.query(`SELECT 1 FROM allocations`);
    expect(rows).toHaveLength(0);
  });

  it('applies by hand, shows the remainder and queues the QuickBooks application', async () => {
    const { rows: b2 } = await w.db.pool.query<{ id: string }>(`SELECT id FROM invoices WHERE number = 'F-B2'`);
    const requestId = '00000000-0000-4000-8000-00000000aa01';
    const res = await send('POST', `${A()}/unapplied/payment/${payment}/allocate`, { requestId, allocations: [{ invoiceId: b2[0]!.id, amount: '600.00' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ allocations: 1, remaining: '400.00', currency: 'EUR', writeBack: { status: 'queued' } });
    const { rows } = await w.db.pool.query(`SELECT payload FROM outbox WHERE kind = 'apply_payment'`);
    expect(rows[0].payload).toMatchObject({ source: 'payment', sourceExternalId: 'PAY-BETA-1', applications: [{ invoiceExternalId: 'INV-B2', amount: '600.00' }] });
    // The same form sent twice applies once.
    const again = await send('POST', `${A()}/unapplied/payment/${payment}/allocate`, { requestId, allocations: [{ invoiceId: b2[0]!.id, amount: '100.00' }] });
    expect(again.statusCode).toBe(409);
    expect((await get(`${A()}/unapplied`)).json().items[0].amount).toBe('400.00');
    const timeline = (await get(`${A()}/customers/${w.customers.beta}/timeline?kind=payment`)).json();
    expect(timeline.items[0].text).toBe('collector@a.example applied PAY-BETA-1 to F-B2 (€600.00)');
  });
});

describe('connection status', () => {
  it('says a sync run in-process (no scheduler job) finished, from the cursors it saved', async () => {
    const before = (await get(`${A()}/connections/${w.connA}`)).json();
    expect(before.sync).toBeNull();
    await w.db.pool.query(`INSERT INTO sync_cursors (connection_id, entity, cursor) VALUES ($1, 'invoice', '{"since":"2026-03-01"}')`, [w.connA]);
    const after = (await get(`${A()}/connections/${w.connA}`)).json();
    expect(after.sync).toMatchObject({ state: 'done', error: null });
    expect(Date.parse(after.sync.finishedAt)).toBeGreaterThan(Date.now() - 60_000);
    await w.db.pool.query(`UPDATE connections SET status = 'needs_reauth', last_error = '{"code":"auth_expired","message":"the refresh token was revoked"}' WHERE id = $1`, [w.connA]);
    expect((await get(`${A()}/connections/${w.connA}`)).json().sync).toMatchObject({ state: 'failed', error: 'the refresh token was revoked' });
  });
});
