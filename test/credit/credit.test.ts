/**
 * Credit risk over the admin API on a real PostgreSQL (test/api/world.ts): a limit asked and
 * approved, the hold it causes written to HubSpot and lifted by a payment, insurance exposure and
 * declaration deadlines, and a hand-over whose case file lists every reminder sent.
 */
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween, todayIn } from '../../core/calendar/index.ts';
import { createWorld, type World } from '../api/world.ts';
import { unzipEntries } from '../support/unzip.ts';

let w: World;
let hubspot: string;
const today = todayIn('UTC', new Date());
const A = () => `/api/organizations/${w.orgA}`;

beforeAll(async () => {
  w = await createWorld();
  // A's organization runs on UTC so "today" is the same here and in the server.
  await w.db.pool.query(`UPDATE organizations SET timezone = 'UTC', late_payment_policy = '{"policy":"FR_B2B","referenceRates":[{"from":"2026-01-01","rate":"2.15"}]}' WHERE id = $1`, [w.orgA]);
  const { rows } = await w.db.pool.query<{ id: string }>(
    `INSERT INTO connections (organization_id, provider, external_account_id) VALUES ($1, 'hubspot', 'portal-1') RETURNING id`, [w.orgA]);
  hubspot = rows[0]!.id;
  await w.db.pool.query(`INSERT INTO customer_external_refs (customer_id, connection_id, kind, external_id, matched_by) VALUES ($1, $2, 'company', 'CO-ALPHA', 'manual')`, [w.customers.alpha, hubspot]);
}, 60_000);
afterAll(() => w.close());

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, who: Parameters<World['as']>[0], payload?: unknown) {
  return w.app.inject({ method, url, headers: w.as(who), ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function outbox(kind: string) {
  const { rows } = await w.db.pool.query<{ payload: Record<string, unknown>; connection_id: string }>(
    `SELECT payload, connection_id FROM outbox WHERE kind = $1 ORDER BY seq`, [kind]);
  return rows;
}

async function count(table: string): Promise<number> {
  const { rows } = await w.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

describe('credit limits with approval', () => {
  it('refuses a limit without a currency, naming the field, and writes nothing', async () => {
    const before = await count('credit_requests');
    const res = await call('POST', `${A()}/customers/${w.customers.alpha}/credit/requests`, 'collectorA', { kind: 'limit', amount: '500.00', reason: 'new customer' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('currency');
    expect(await count('credit_requests')).toBe(before);
  });

  it('is asked by a collector, refused to a viewer, decided by an admin only, once', async () => {
    expect((await call('POST', `${A()}/customers/${w.customers.alpha}/credit/requests`, 'viewerA', { kind: 'limit', amount: '500.00', currency: 'EUR', reason: 'x' })).statusCode).toBe(403);
    const asked = await call('POST', `${A()}/customers/${w.customers.alpha}/credit/requests`, 'collectorA', { kind: 'limit', amount: '500.00', currency: 'EUR', reason: 'first order' });
    expect(asked.statusCode).toBe(201);
    const request = asked.json();
    expect(request).toMatchObject({ kind: 'limit', amount: '500.00', currency: 'EUR', status: 'requested', requestedBy: `user:${w.users.collectorA.id}` });
    const again = await call('POST', `${A()}/customers/${w.customers.alpha}/credit/requests`, 'collectorA', { kind: 'limit', amount: '700.00', currency: 'EUR', reason: 'more' });
    expect(again.statusCode).toBe(409);
    expect((await call('POST', `${A()}/credit/requests/${request.id}/approve`, 'collectorA', {})).statusCode).toBe(403);
    // Another organization's admin does not see it.
    expect((await call('POST', `/api/organizations/${w.orgB}/credit/requests/${request.id}/approve`, 'adminB', {})).statusCode).toBe(404);
    const approved = await call('POST', `${A()}/credit/requests/${request.id}/approve`, 'adminA', { note: 'ok for now' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decidedBy: `user:${w.users.adminA.id}`, decisionNote: 'ok for now' });
    expect(approved.json().decidedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await call('POST', `${A()}/credit/requests/${request.id}/reject`, 'adminA', {})).statusCode).toBe(409);

    const credit = (await call('GET', `${A()}/customers/${w.customers.alpha}/credit`, 'viewerA')).json();
    expect(credit.limit).toMatchObject({ amount: '500.00', currency: 'EUR', requestId: request.id });
    expect(credit.openBalance).toBe('1000.00');
    expect(credit.usagePercent).toBe(200);
    // The payer score reads the limit from the dunning profile.
    const { rows } = await w.db.pool.query(`SELECT credit_limit_minor::text AS l FROM customer_dunning_profiles WHERE customer_id = $1`, [w.customers.alpha]);
    expect(rows[0]!.l).toBe('50000');
    // The limit shows on the HubSpot company.
    const limits = (await outbox('set_company_properties')).filter((r) => (r.payload.properties as Record<string, unknown>).creditLimit);
    expect(limits.map((r) => r.payload)).toEqual([{ companyExternalId: 'CO-ALPHA', properties: { creditLimit: '500.00 EUR' } }]);
  });

  it('proposes a limit from the organization\'s rules, explained', async () => {
    const put = await call('PUT', `${A()}/credit/settings`, 'adminA', { limitRules: [{ riskClass: 'high', fixedAmount: '100.00' }, { turnoverPercent: '25' }] });
    expect(put.statusCode).toBe(200);
    const credit = (await call('GET', `${A()}/customers/${w.customers.beta}/credit`, 'adminA')).json();
    // Beta invoiced 1,200.00 EUR on 2026-01-05: a quarter of it, when that falls in the last year.
    const inYear = '2026-01-05' > addDays(today, -365);
    expect(credit.proposal === null ? null : credit.proposal.amount).toBe(inYear ? '300.00' : '0.00');
    expect(credit.proposal.explanation).toContain('Rule 2 (every customer): 25%');
    const bad = await call('PUT', `${A()}/credit/settings`, 'adminA', { holdPastDueDays: -1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('holdPastDueDays');
    expect((await call('PUT', `${A()}/credit/settings`, 'collectorA', {})).statusCode).toBe(403);
    await call('PUT', `${A()}/credit/settings`, 'adminA', {});
  });
});

describe('credit holds that sales see', () => {
  it('puts a customer over its limit on hold, tells HubSpot and the owner, once', async () => {
    const review = await call('POST', `${A()}/credit/review`, 'collectorA');
    expect(review.statusCode).toBe(200);
    expect(review.json().holds.placed).toEqual([w.customers.alpha]);
    const credit = (await call('GET', `${A()}/customers/${w.customers.alpha}/credit`, 'adminA')).json();
    expect(credit.hold.reason).toBe('open balance 1000.00 EUR is over the credit limit of 500.00 EUR');
    expect(credit.hold.amountOverLimit).toBe('500.00 EUR');
    const holds = (await outbox('set_company_properties')).filter((r) => 'creditHold' in (r.payload.properties as object));
    expect(holds.map((r) => r.payload.properties)).toEqual([{ creditHold: true, creditHoldReason: credit.hold.reason, amountOverLimit: '500.00 EUR' }]);
    expect(holds[0]!.connection_id).toBe(hubspot);
    const tasks = await outbox('create_owner_task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.payload.subject).toBe('Credit hold: Alpha SARL');
    const alerts = (await call('GET', `${A()}/credit/alerts`, 'viewerA')).json().items;
    expect(alerts.map((a: { kind: string }) => a.kind)).toEqual(['credit_hold']);
    // A second review changes nothing and queues nothing.
    const rowsBefore = await count('outbox');
    const again = (await call('POST', `${A()}/credit/review`, 'collectorA')).json();
    expect(again.holds).toEqual({ placed: [], lifted: [], changed: [] });
    expect(await count('outbox')).toBe(rowsBefore);
  });

  it('lifts the hold by itself when a payment clears the cause', async () => {
    await w.db.pool.query(`UPDATE invoices SET balance_minor = 40000 WHERE id = $1`, [w.invoices.alpha1]);
    const review = (await call('POST', `${A()}/credit/review`, 'collectorA')).json();
    expect(review.holds.lifted).toEqual([w.customers.alpha]);
    expect((await call('GET', `${A()}/customers/${w.customers.alpha}/credit`, 'adminA')).json().hold).toBeNull();
    const last = (await outbox('set_company_properties')).at(-1)!;
    expect(last.payload.properties).toEqual({ creditHold: false, creditHoldReason: null, amountOverLimit: null });
    expect((await call('GET', `${A()}/credit/alerts`, 'viewerA')).json().items).toEqual([]);
    const { rows } = await w.db.pool.query<{ kind: string }>(`SELECT kind FROM activities WHERE customer_id = $1 AND kind LIKE 'credit.hold.%' ORDER BY occurred_at`, [w.customers.alpha]);
    expect(rows.map((r) => r.kind)).toEqual(['credit.hold.placed', 'credit.hold.lifted']);
  });
});

describe('credit insurance', () => {
  it('refuses a policy with a negative deadline, naming the field', async () => {
    const res = await call('PUT', `${A()}/credit/insurance`, 'adminA', { insurer: 'Allianz Trade', insuredSharePercent: '90', maxExtensionDays: 60, declarationDeadlineDays: -5 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('declarationDeadlineDays');
    expect((await call('GET', `${A()}/credit/insurance`, 'viewerA')).json().policy).toBeNull();
  });

  it('splits the outstanding into insured and uninsured, and warns before the declaration deadline', async () => {
    // Beta's invoice fell due 280 days ago: with a 300-day deadline it must be declared within 20 days.
    await w.db.pool.query(`UPDATE invoices SET due_date = $2 WHERE id = $1`, [w.invoices.beta1, addDays(today, -280)]);
    expect((await call('PUT', `${A()}/credit/insurance`, 'adminA', { insurer: 'Allianz Trade', insuredSharePercent: '90', maxExtensionDays: 60, declarationDeadlineDays: 300, alertDaysBefore: 30 })).statusCode).toBe(200);
    expect((await call('PUT', `${A()}/customers/${w.customers.beta}/credit/insured-limit`, 'adminA', { amount: '800.00' })).json().error.field).toBe('currency');
    expect((await call('PUT', `${A()}/customers/${w.customers.beta}/credit/insured-limit`, 'adminA', { amount: '800.00', currency: 'EUR' })).statusCode).toBe(200);

    const exposure = (await call('GET', `${A()}/credit/insurance/exposure`, 'viewerA')).json();
    // Beta: 1,000.00 open, 800.00 within the insured limit, 90 % of it insured = 720.00; alpha's 400.00 uninsured.
    expect(exposure.currencies).toEqual([expect.objectContaining({ currency: 'EUR', outstanding: '1400.00', insured: '720.00', uninsured: '680.00' })]);
    expect(exposure.currencies[0].buckets['91+']).toEqual({ outstanding: '1400.00', insured: '720.00', uninsured: '680.00' });

    const declarations = (await call('GET', `${A()}/credit/insurance/declarations`, 'viewerA')).json();
    expect(declarations.debts).toEqual([expect.objectContaining({ declareBy: addDays(today, 20), daysLeft: 20, state: 'due_soon' })]);
    await call('POST', `${A()}/credit/review`, 'collectorA');
    await call('POST', `${A()}/credit/review`, 'collectorA');
    const alerts = (await call('GET', `${A()}/credit/alerts`, 'viewerA')).json().items;
    expect(alerts).toEqual([expect.objectContaining({ kind: 'declaration_due', dueOn: addDays(today, 20), invoice: { id: w.invoices.beta1, number: 'F-C-BETA' } })]);
    expect((await call('POST', `${A()}/credit/alerts/${alerts[0].id}/resolve`, 'viewerA')).statusCode).toBe(403);
    expect((await call('POST', `${A()}/credit/alerts/${alerts[0].id}/resolve`, 'collectorA')).statusCode).toBe(200);
    expect((await call('GET', `${A()}/credit/alerts`, 'viewerA')).json().items).toEqual([]);
  });

  it('refuses terms longer than the insurer covers for an insured customer', async () => {
    const res = await call('POST', `${A()}/customers/${w.customers.beta}/credit/requests`, 'collectorA', { kind: 'terms', termsDays: 90, reason: 'asked by the buyer' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'termsDays' });
    expect(res.json().error.message).toContain('Allianz Trade');
    expect((await call('POST', `${A()}/customers/${w.customers.beta}/credit/requests`, 'collectorA', { kind: 'terms', termsDays: 45, reason: 'ok' })).statusCode).toBe(201);
  });
});

describe('the legal end', () => {
  it('hands a customer over: reminders stop, the status is written back, the case file lists every reminder', async () => {
    await w.db.pool.query(
      `INSERT INTO actions (organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for)
       VALUES ($1, $2, 3, 'letter', 'formal-notice', 'planned', 'k-beta-3', $3)`, [w.orgA, w.customers.beta, addDays(today, 2)]);
    for (const [days, step, channel] of [[40, 1, 'email'], [20, 2, 'letter']] as const) {
      await w.db.pool.query(
        `INSERT INTO activities (organization_id, customer_id, actor, kind, payload, occurred_at)
         VALUES ($1, $2, 'job:dunning.send', 'reminder.sent', $3, now() - make_interval(days => $4))`,
        [w.orgA, w.customers.beta, { step, channel, template: `reminder-${step}`, to: 'c-beta@example.com', invoices: ['F-C-BETA'] }, days]);
    }
    expect((await call('POST', `${A()}/customers/${w.customers.beta}/handover`, 'collectorA', { kind: 'litigation', party: 'Maître Durand' })).statusCode).toBe(403);
    const bad = await call('POST', `${A()}/customers/${w.customers.beta}/handover`, 'adminA', { kind: 'court', party: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('kind');
    const res = await call('POST', `${A()}/customers/${w.customers.beta}/handover`, 'adminA', { kind: 'litigation', party: 'Maître Durand', reference: 'D-2026-17' });
    expect(res.statusCode).toBe(201);
    const handover = res.json();
    expect(handover.amounts.EUR.principal).toBe('1000.00');
    expect(handover.amounts.EUR.fixed).toBe('40.00');
    expect(Number(handover.amounts.EUR.interest)).toBeGreaterThan(0);
    expect((await call('POST', `${A()}/customers/${w.customers.beta}/handover`, 'adminA', { kind: 'agency', party: 'Other' })).statusCode).toBe(409);

    const { rows: actions } = await w.db.pool.query(`SELECT status, details->>'cancelledBecause' AS why FROM actions WHERE idempotency_key = 'k-beta-3'`);
    expect(actions[0]).toEqual({ status: 'cancelled', why: 'handover' });
    const { rows: holds } = await w.db.pool.query(`SELECT reason, released_at FROM dunning_holds WHERE customer_id = $1`, [w.customers.beta]);
    expect(holds).toEqual([{ reason: 'Handed over to litigation (Maître Durand)', released_at: null }]);
    const stages = await outbox('set_dunning_stage');
    expect(stages.map((r) => r.payload)).toEqual([expect.objectContaining({ invoiceExternalId: 'INV-C-BETA', stage: 'Handed over to litigation (Maître Durand)' })]);

    const zipRes = await call('GET', `${A()}/handovers/${handover.id}/case-file`, 'viewerA');
    expect(zipRes.statusCode).toBe(200);
    expect(zipRes.headers['content-type']).toBe('application/zip');
    const files = unzipEntries(zipRes.rawPayload);
    expect([...files.keys()].sort()).toEqual(['case-file.pdf', 'injonction-de-payer.json', 'invoices.csv', 'reminders.csv']);
    const parser = new PDFParse({ data: new Uint8Array(files.get('case-file.pdf')!) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    expect(text).toContain('Case file — Beta SAS');
    expect(text).toContain('Maître Durand');
    expect(text).toContain('F-C-BETA');
    expect(text).toContain('Reminders and letters (2)');
    expect(text).toContain(addDays(today, -40));
    expect(text).toContain(addDays(today, -20));
    expect(text).toContain('reminder-1');
    expect(text).toContain('reminder-2');
    expect(text).toContain('L441-10');
    const injonction = JSON.parse(files.get('injonction-de-payer.json')!.toString('utf8'));
    expect(injonction.debiteur.denomination).toBe('Beta SAS');
    expect(injonction.sommes.EUR).toMatchObject({ principal: '1000.00', indemniteForfaitaire: '40.00' });
    expect(injonction.exposeDesMotifs).toContain('2 relances');
    // Another organization's admin gets nothing.
    expect((await call('GET', `/api/organizations/${w.orgB}/handovers/${handover.id}/case-file`, 'adminB')).statusCode).toBe(404);
  });

  it('tracks what is recovered after the hand-over and releases the hold when closed', async () => {
    const [handover] = (await call('GET', `${A()}/handovers`, 'viewerA')).json().items;
    await w.db.pool.query(
      `INSERT INTO payments (id, organization_id, connection_id, external_id, customer_external_id, customer_id, currency, date, amount_minor, unapplied_minor)
       VALUES ('00000000-0000-4000-8000-00000000c0de', $1, $2, 'PAY-REC', 'C-BETA', $3, 'EUR', $4, 25000, 0)`, [w.orgA, w.connA, w.customers.beta, today]);
    await w.db.pool.query(
      `INSERT INTO allocations (organization_id, connection_id, source, payment_id, invoice_id, invoice_external_id, currency, amount_minor, date)
       VALUES ($1, $2, 'payment', '00000000-0000-4000-8000-00000000c0de', $3, 'INV-C-BETA', 'EUR', 25000, $4)`, [w.orgA, w.connA, w.invoices.beta1, today]);
    const after = (await call('GET', `${A()}/handovers`, 'viewerA')).json().items[0];
    expect(after.recovered).toEqual({ EUR: '250.00' });
    const closed = await call('POST', `${A()}/handovers/${handover.id}/close`, 'adminA');
    expect(closed.json().status).toBe('closed');
    const { rows } = await w.db.pool.query(`SELECT released_at IS NOT NULL AS released FROM dunning_holds WHERE customer_id = $1`, [w.customers.beta]);
    expect(rows).toEqual([{ released: true }]);
    expect((await call('POST', `${A()}/handovers/${handover.id}/close`, 'adminA')).statusCode).toBe(409);
  });
});

describe('scoring rules an admin owns', () => {
  it('refuses thresholds out of order, naming the field', async () => {
    const res = await call('POST', `${A()}/credit/scoring/preview`, 'adminA', { thresholds: { low: 50, medium: 60, high: 40 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('thresholds');
    expect((await call('PUT', `${A()}/credit/scoring`, 'adminA', { maxLateness: -3 })).json().error.field).toBe('maxLateness');
  });

  it('previews new weights on the organization\'s own customers, saves them, and keeps a monthly history', async () => {
    // Alpha paid an invoice 60 days late, and the world's F-C-ALPHA (due 4 February) is still open:
    // (60 + its days overdue) / 2 days late on average, one point per two days with the defaults
    // (at most 35), one per day under the weights previewed (at most 60).
    const { rows: [inv] } = await w.db.pool.query<{ id: string }>(
      `INSERT INTO invoices (organization_id, connection_id, external_id, customer_external_id, customer_id, currency, number, issue_date, due_date, total_minor, balance_minor, status)
       VALUES ($1, $2, 'INV-OLD', 'C-ALPHA', $3, 'EUR', 'F-OLD', $4, $5, 10000, 0, 'paid') RETURNING id`,
      [w.orgA, w.connA, w.customers.alpha, addDays(today, -120), addDays(today, -90)]);
    await w.db.pool.query(
      `INSERT INTO payments (id, organization_id, connection_id, external_id, customer_external_id, customer_id, currency, date, amount_minor, unapplied_minor)
       VALUES ('00000000-0000-4000-8000-0000000001d0', $1, $2, 'PAY-OLD', 'C-ALPHA', $3, 'EUR', $4, 10000, 0)`, [w.orgA, w.connA, w.customers.alpha, addDays(today, -30)]);
    await w.db.pool.query(
      `INSERT INTO allocations (organization_id, connection_id, source, payment_id, invoice_id, invoice_external_id, currency, amount_minor, date)
       VALUES ($1, $2, 'payment', '00000000-0000-4000-8000-0000000001d0', $3, 'INV-OLD', 'EUR', 10000, $4)`, [w.orgA, w.connA, inv!.id, addDays(today, -30)]);
    const { rescoreCustomers } = await import('../../core/scoring/index.ts');
    const before = await rescoreCustomers(w.db.db, w.orgA, [w.customers.alpha], today);
    const preview = await call('POST', `${A()}/credit/scoring/preview`, 'adminA', { daysLatePerPoint: 1, maxLateness: 60 });
    expect(preview.statusCode).toBe(200);
    const body = preview.json();
    expect(body.scored).toBe(2);
    const alpha = body.changes.find((c: { customerId: string }) => c.customerId === w.customers.alpha);
    const lateness = (s: { factors: readonly { name: string; points: number }[] }) => s.factors.find((f) => f.name === 'averageDaysLate')!.points;
    const averageLate = (60 + daysBetween('2026-02-04', today)) / 2;
    expect(before.get(w.customers.alpha)!.factors[0]).toMatchObject({ name: 'averageDaysLate', value: averageLate });
    expect(lateness(before.get(w.customers.alpha)!)).toBe(Math.min(35, Math.round(averageLate / 2)));
    expect(lateness(alpha.proposed)).toBe(Math.min(60, Math.round(averageLate)));
    // The preview saved nothing.
    const credit = (await call('GET', `${A()}/customers/${w.customers.alpha}/credit`, 'adminA')).json();
    expect(credit.customer.score).toBe(before.get(w.customers.alpha)!.score);

    expect((await call('PUT', `${A()}/credit/scoring`, 'collectorA', { daysLatePerPoint: 1 })).statusCode).toBe(403);
    expect((await call('PUT', `${A()}/credit/scoring`, 'adminA', { daysLatePerPoint: 1, maxLateness: 60 })).statusCode).toBe(200);
    const after = await rescoreCustomers(w.db.db, w.orgA, [w.customers.alpha], today);
    expect(lateness(after.get(w.customers.alpha)!)).toBe(60);
    const history = (await call('GET', `${A()}/customers/${w.customers.alpha}/score-history`, 'viewerA')).json().items;
    expect(history).toEqual([{ month: today.slice(0, 7), score: after.get(w.customers.alpha)!.score, riskClass: after.get(w.customers.alpha)!.riskClass }]);
    // Another organization's customer id gives nothing through A.
    expect((await call('GET', `${A()}/customers/${w.customers.gamma}/score-history`, 'adminA')).json().items).toEqual([]);
  });
});
