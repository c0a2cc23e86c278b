/**
 * Issue 19.5 and 19.7 over the admin API on a real PostgreSQL (test/api/world.ts): late fees asked,
 * approved (the fee invoice queued for the ledger, once) or waived with a reason, refused on a
 * disputed invoice; and the company registry — the UK Companies House simulator (sandbox/registry)
 * behind the real client — whose insolvency event holds dunning and alerts the credit manager,
 * and whose answer for another company is refused with the field named and never applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companiesHouse, normalizeCompanyNumber } from '../../core/credit/registry/index.ts';
import { refreshAllRegistries } from '../../jobs/credit.ts';
import { createLogger } from '../../core/logging.ts';
import { buildScope } from '../../core/messages/view-model.ts';
import { createRegistrySimulator, type RegistrySimulator } from '../../sandbox/registry/index.ts';
import { createWorld, type World } from '../api/world.ts';
import { Writable } from 'node:stream';
import { unzipEntries } from '../support/unzip.ts';

let w: World;
let registry: RegistrySimulator;
let registryUrl: string;
const A = () => `/api/organizations/${w.orgA}`;
const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });

beforeAll(async () => {
  w = await createWorld();
  registry = createRegistrySimulator('ch-test-key');
  await registry.app.listen({ host: '127.0.0.1', port: 0 });
  const address = registry.app.server.address();
  registryUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  process.env.COMPANIES_HOUSE_API_KEY = 'ch-test-key';
  process.env.COMPANIES_HOUSE_URL = registryUrl;
}, 60_000);

afterAll(async () => {
  delete process.env.COMPANIES_HOUSE_API_KEY;
  delete process.env.COMPANIES_HOUSE_URL;
  await registry.app.close();
  await w.close();
});

async function call(method: 'GET' | 'POST' | 'PUT', url: string, who: Parameters<World['as']>[0], payload?: unknown) {
  return w.app.inject({ method, url, headers: w.as(who), ...(payload === undefined ? {} : { payload: payload as object }) });
}

describe('late fees posted to the ledger', () => {
  it('computes what an overdue invoice owes in fees (French law: interest and the €40)', async () => {
    const res = await call('GET', `${A()}/invoices/${w.invoices.alpha1}/fees`, 'viewerA');
    expect(res.statusCode).toBe(200);
    const fees = res.json();
    expect(fees.currency).toBe('EUR');
    expect(fees.fixed).toBe('40.00');
    expect(Number(fees.interest)).toBeGreaterThan(0);
    expect(fees.postings).toEqual([]);
  });

  it('is asked by a collector, approved by an admin with who and when, queued once as a fee invoice', async () => {
    const asked = await call('POST', `${A()}/fee-postings`, 'collectorA', { invoiceId: w.invoices.alpha1, note: 'second notice ignored' });
    expect(asked.statusCode, asked.body).toBe(201);
    const p = asked.json();
    expect(p).toMatchObject({ status: 'requested', fixed: '40.00', currency: 'EUR', requestedBy: `user:${w.users.collectorA.id}`, invoice: { number: 'F-C-ALPHA' } });
    expect((await call('POST', `${A()}/fee-postings`, 'collectorA', { invoiceId: w.invoices.alpha1 })).statusCode).toBe(409);
    expect((await call('POST', `${A()}/fee-postings/${p.id}/approve`, 'collectorA', {})).statusCode).toBe(403);
    const approved = await call('POST', `${A()}/fee-postings/${p.id}/approve`, 'adminA', { note: 'as our terms say' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decidedBy: `user:${w.users.adminA.id}`, decisionNote: 'as our terms say', posting: 'queued' });
    expect(approved.json().decidedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await call('POST', `${A()}/fee-postings/${p.id}/approve`, 'adminA', {})).statusCode).toBe(409);
    const { rows } = await w.db.pool.query<{ payload: Record<string, unknown>; idempotency_key: string; connection_id: string }>(
      `SELECT payload, idempotency_key, connection_id FROM outbox WHERE kind = 'post_fee_invoice'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idempotency_key).toBe(`fee-posting:${p.id}`);
    expect(rows[0]!.connection_id).toBe(w.connA);
    expect(rows[0]!.payload).toMatchObject({
      feePostingId: p.id, customerExternalId: 'C-ALPHA', invoiceExternalId: 'INV-C-ALPHA', invoiceNumber: 'F-C-ALPHA', currency: 'EUR',
      lines: [{ fee: 'interest', amount: p.interest }, { fee: 'fixed', amount: '40.00', description: 'Fixed compensation for recovery costs, invoice F-C-ALPHA' }],
    });
    // What is posted is not asked again: the €40 is owed once, and today's interest is covered.
    const after = (await call('GET', `${A()}/invoices/${w.invoices.alpha1}/fees`, 'viewerA')).json();
    expect(after).toMatchObject({ fixed: '0.00', interest: '0.00' });
    const again = await call('POST', `${A()}/fee-postings`, 'collectorA', { invoiceId: w.invoices.alpha1 });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.field).toBe('invoiceId');
  });

  it('waives only with a reason, and refuses a posting on a disputed invoice naming the field', async () => {
    const asked = (await call('POST', `${A()}/fee-postings`, 'collectorA', { invoiceId: w.invoices.beta1 })).json();
    const bare = await call('POST', `${A()}/fee-postings/${asked.id}/waive`, 'adminA', {});
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.field).toBe('reason');
    const waived = await call('POST', `${A()}/fee-postings/${asked.id}/waive`, 'adminA', { reason: 'long-standing customer' });
    expect(waived.json()).toMatchObject({ status: 'waived', decisionNote: 'long-standing customer', posting: null });
    await w.db.pool.query(`UPDATE invoices SET disputed = true WHERE id = $1`, [w.invoices.beta1]);
    const before = (await w.db.pool.query(`SELECT count(*)::int AS n FROM fee_postings`)).rows[0].n;
    const refused = await call('POST', `${A()}/fee-postings`, 'collectorA', { invoiceId: w.invoices.beta1 });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.field).toBe('disputed');
    expect((await w.db.pool.query(`SELECT count(*)::int AS n FROM fee_postings`)).rows[0].n).toBe(before);
    await w.db.pool.query(`UPDATE invoices SET disputed = false WHERE id = $1`, [w.invoices.beta1]);
  });

  it('a reminder says which fees were invoiced and are owed', () => {
    const scope = buildScope({
      templateName: 'reminder-1', channel: 'email', date: '2026-03-01',
      organization: { name: 'Atelier A' }, customer: { name: 'Alpha SARL' },
      items: [{ externalId: 'x', number: 'F-1', issueDate: '2026-01-05', dueDate: '2026-02-04', currency: 'EUR', total: 120000n, balance: 100000n }],
      fees: { currency: 'EUR', interest: 1234n, fixed: 4000n, posted: 5234n },
    } as never, 'en');
    expect((scope.fees as Record<string, string>).posted).toBe('€52.34');
  });
});

describe('company registry (UK Companies House)', () => {
  it('takes a company number from an admin, refusing a malformed one by field', async () => {
    const bad = await call('PUT', `${A()}/customers/${w.customers.beta}/company-number`, 'adminA', { companyNumber: '12-34' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('companyNumber');
    expect((await call('PUT', `${A()}/customers/${w.customers.beta}/company-number`, 'collectorA', { companyNumber: '1234567' })).statusCode).toBe(403);
    const ok = await call('PUT', `${A()}/customers/${w.customers.beta}/company-number`, 'adminA', { companyNumber: '0123 4567' });
    expect(ok.json()).toEqual({ customerId: w.customers.beta, companyNumber: '01234567' });
    expect(normalizeCompanyNumber('1234567')).toBe('01234567');
  });

  it('applies the profile, then an insolvency case holds dunning and alerts the credit manager once', async () => {
    registry.setCompany({ company_number: '01234567', company_name: 'BETA SAS LIMITED' });
    const first = await call('POST', `${A()}/customers/${w.customers.beta}/registry/check`, 'collectorA');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ outcome: 'applied', insolvencyEvent: false });
    const status = (await call('GET', `${A()}/customers/${w.customers.beta}/registry`, 'viewerA')).json();
    expect(status.record).toMatchObject({ registry: 'companies_house', companyNumber: '01234567', name: 'BETA SAS LIMITED', status: 'active', hasInsolvencyHistory: false });
    expect(status.record.address).toMatchObject({ city: 'London', postalCode: 'EC1A 1AA' });

    registry.addInsolvencyCase('01234567', { type: 'creditors-voluntary-liquidation', number: '1', dates: [{ type: 'wound-up-on', date: '2026-11-20' }], practitioners: [{ name: 'A. Liquidator', role: 'practitioner' }] });
    expect(await refreshAllRegistries(w.db.db, silent)).toBe(1);
    const { rows: holds } = await w.db.pool.query<{ reason: string }>(`SELECT reason FROM dunning_holds WHERE customer_id = $1 AND released_at IS NULL`, [w.customers.beta]);
    expect(holds.map((h) => h.reason)).toEqual(['Company registry (companies_house 01234567): creditors-voluntary-liquidation']);
    const alerts = (await call('GET', `${A()}/credit/alerts`, 'viewerA')).json().items.filter((a: { kind: string }) => a.kind === 'insolvency');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ customer: { id: w.customers.beta }, details: { status: 'liquidation', companyNumber: '01234567' } });
    // The next night finds nothing new: no second hold, no second alert.
    await refreshAllRegistries(w.db.db, silent);
    expect((await w.db.pool.query(`SELECT count(*)::int AS n FROM dunning_holds WHERE customer_id = $1`, [w.customers.beta])).rows[0].n).toBe(1);
    expect((await call('GET', `${A()}/credit/alerts`, 'viewerA')).json().items.filter((a: { kind: string }) => a.kind === 'insolvency')).toHaveLength(1);
    expect(registry.requests).toContain('/company/01234567/insolvency');
  });

  it('refuses an answer about another company, naming the field, and keeps the record as it was', async () => {
    registry.setCompany({ company_number: '07654321', company_name: 'SOMEONE ELSE LTD', company_status: 'dissolved' });
    registry.misdirect('01234567', '07654321');
    const res = await call('POST', `${A()}/customers/${w.customers.beta}/registry/check`, 'collectorA');
    expect(res.json()).toMatchObject({ outcome: 'refused', field: 'company_number' });
    const status = (await call('GET', `${A()}/customers/${w.customers.beta}/registry`, 'viewerA')).json();
    expect(status.record).toMatchObject({ companyNumber: '01234567', name: 'BETA SAS LIMITED', status: 'liquidation' });
    expect(status.checks[0]).toMatchObject({ outcome: 'refused', field: 'company_number' });
    expect(status.checks[0].message).toContain('07654321');
    registry.misdirect('01234567', null);
  });

  it("reads the number from the provider's record when no admin set one (Xero Contact CompanyNumber)", async () => {
    await w.db.pool.query(`UPDATE customers SET raw = '{"ContactID":"x","CompanyNumber":"07654321"}'::jsonb, company_number = NULL WHERE id = $1`, [w.customers.alpha]);
    expect((await call('GET', `${A()}/customers/${w.customers.alpha}/registry`, 'viewerA')).json().companyNumber).toBe('07654321');
    const checked = (await call('POST', `${A()}/customers/${w.customers.alpha}/registry/check`, 'collectorA')).json();
    // 07654321 is dissolved at the registry: a status that holds dunning on the first check.
    expect(checked).toMatchObject({ outcome: 'applied', companyNumber: '07654321', insolvencyEvent: true });
    // An admin's number wins over the provider's.
    await call('PUT', `${A()}/customers/${w.customers.alpha}/company-number`, 'adminA', { companyNumber: '01234567' });
    expect((await call('GET', `${A()}/customers/${w.customers.alpha}/registry`, 'viewerA')).json().companyNumber).toBe('01234567');
  });

  it('records a number the registry does not know, and a wrong key, without applying anything', async () => {
    const unknown = companiesHouse({ apiKey: 'ch-test-key', baseUrl: registryUrl });
    expect(await unknown.lookup('99999999')).toBeNull();
    const wrongKey = companiesHouse({ apiKey: 'not-the-key', baseUrl: registryUrl });
    await expect(wrongKey.lookup('01234567')).rejects.toMatchObject({ code: expect.stringMatching(/auth/) });
  });
});

describe('the case file carries the letters as posted', () => {
  it('attaches each letter PDF (action_documents) of the handed-over customer', async () => {
    const handed = await call('POST', `${A()}/customers/${w.customers.beta}/handover`, 'adminA', { kind: 'agency', party: 'Recouvre SA' });
    expect(handed.statusCode, handed.body).toBe(201);
    const pdf = Buffer.from('%PDF-1.4 mise en demeure\n%%EOF');
    const { rows: [action] } = await w.db.pool.query<{ id: string }>(
      `INSERT INTO actions (organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, sent_at)
       VALUES ($1, $2, 3, 'letter', 'formal-notice', 'sent', 'k-letter-beta', '2026-02-20', '2026-02-20T09:00:00Z') RETURNING id`, [w.orgA, w.customers.beta]);
    await w.db.pool.query(`INSERT INTO action_documents (action_id, organization_id, content, sha256) VALUES ($1, $2, $3, repeat('0', 64))`, [action!.id, w.orgA, pdf]);
    const res = await w.app.inject({ method: 'GET', url: `${A()}/handovers/${handed.json().id}/case-file`, headers: w.as('viewerA') });
    expect(res.statusCode).toBe(200);
    const entries = unzipEntries(res.rawPayload);
    const name = `documents/letter-2026-02-20-step3-${action!.id.slice(0, 8)}.pdf`;
    expect([...entries.keys()]).toContain(name);
    expect(entries.get(name)!.equals(pdf)).toBe(true);
  });
});
