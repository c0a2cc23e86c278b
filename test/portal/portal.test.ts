/** The customer portal through the real server: links issued by the API, pages, forms, and every way a link fails. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuePortalLink } from '../../core/portal/index.ts';
import { parseKeyRing, generateKeySpec } from '../../core/crypto.ts';
import { createWorld, type World } from '../api/world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld({ publicUrl: 'https://relance.example.com' });
  await w.db.pool.query(`UPDATE customers SET name = 'Alpha <script>alert(1)</script> SARL' WHERE id = $1`, [w.customers.alpha]);
  await w.db.pool.query(
    `INSERT INTO actions (organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, sent_at)
     VALUES ($1, $2, 1, 'email', 'reminder-1', 'sent', 'k-sent-1', '2026-02-11', '2026-02-11T09:00:00Z')`,
    [w.orgA, w.customers.alpha],
  );
  await w.app.inject({ method: 'PUT', url: `/api/organizations/${w.orgA}/branding`, headers: w.as('adminA'), payload: { logoUrl: 'https://cdn.example.com/logo.png', primaryColor: '#aa3300' } });
}, 60_000);
afterAll(() => w.close());

async function issue(customerId: string, orgId = w.orgA, as: Parameters<World['as']>[0] = 'collectorA') {
  const res = await w.app.inject({ method: 'POST', url: `/api/organizations/${orgId}/customers/${customerId}/portal-links`, headers: w.as(as), payload: {} });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; url: string; expiresAt: string };
}
const pathOf = (url: string) => new URL(url).pathname;
const INVALID_FR = 'Ce lien n&#39;est pas valide';

describe('a valid link', () => {
  it("opens the customer's page in their language, with the organization's logo and colour, invoices, payment links and reminders", async () => {
    const link = await issue(w.customers.alpha);
    expect(link.url).toMatch(/^https:\/\/relance\.example\.com\/portal\/v1\./);
    const res = await w.app.inject({ method: 'GET', url: pathOf(link.url) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    const html = res.body;
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Atelier A');
    expect(html).toContain('src="https://cdn.example.com/logo.png"');
    expect(html).toContain('color:#aa3300');
    expect(html).toContain('F-C-ALPHA');
    // Amounts and dates as a French reader writes them, not the store's decimal and ISO forms.
    expect(html).toContain('1\u202f000,00\u00a0€');
    expect(html).not.toContain('1000.00 EUR');
    expect(html).toContain('href="https://pay.example.com/C-ALPHA"');
    expect(html).toContain('Relances envoyées');
    expect(html).toContain('11 févr. 2026: E-mail');
    expect(html).not.toMatch(/<td>\d{4}-\d{2}-\d{2}<\/td>/);
    // Provider or synced text is escaped, never markup.
    expect(html).not.toContain('<script>');
    expect(html).toContain('Alpha &lt;script&gt;');
    // Only this customer's invoices.
    expect(html).not.toContain('F-C-BETA');
    // The three forms: payment plan request, promise (core/promises), dispute (core/disputes).
    expect(html).toContain('/payment-plan"');
    expect(html).toContain('/promise"');
    expect(html).toContain('/dispute"');
  });

  it('speaks English to an English customer', async () => {
    const link = await issue(w.customers.gamma, w.orgB, 'adminB');
    const res = await w.app.inject({ method: 'GET', url: pathOf(link.url) });
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Open invoices');
  });
});

describe('a link that does not open', () => {
  async function expectInvalid(path: string) {
    const res = await w.app.inject({ method: 'GET', url: path, headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain(INVALID_FR);
    expect(res.body).not.toContain('Alpha');
    expect(res.body).not.toContain('Atelier');
    return res.body;
  }

  it('tampered, forged, expired and revoked links all get the same plain page', async () => {
    const link = await issue(w.customers.alpha);
    const path = pathOf(link.url);
    const [v, kid, payload, mac] = path.slice('/portal/'.length).split('.') as [string, string, string, string];
    // The expiry pushed to 2100: same token id, signature no longer matches.
    const raw = Buffer.from(payload, 'base64url');
    raw.writeUInt32BE(4102444800, 16);
    const edited = raw.toString('base64url');
    const bodies = [
      await expectInvalid(`/portal/${v}.${kid}.${edited}.${mac}`),
      await expectInvalid(`/portal/${v}.${kid}.${payload}.${mac.slice(0, -2)}AA`),
      await expectInvalid('/portal/not-a-token'),
    ];
    // A link signed by another installation's key.
    const other = parseKeyRing(generateKeySpec());
    const foreign = await issuePortalLink(w.db.db, other, { organizationId: w.orgA, customerId: w.customers.alpha, createdBy: 'test' });
    bodies.push(await expectInvalid(foreign.url));
    // Expired: issued 61 days ago for 60 days.
    const old = await issuePortalLink(w.db.db, w.keys, { organizationId: w.orgA, customerId: w.customers.alpha, createdBy: 'test', days: 60, now: new Date(Date.now() - 61 * 86_400_000) });
    bodies.push(await expectInvalid(old.url));
    // Revoked through the API: it worked a moment ago.
    expect((await w.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
    const del = await w.app.inject({ method: 'DELETE', url: `/api/organizations/${w.orgA}/customers/${w.customers.alpha}/portal-links/${link.id}`, headers: w.as('collectorA') });
    expect(del.statusCode).toBe(204);
    bodies.push(await expectInvalid(path));
    expect(new Set(bodies).size).toBe(1);
  });

  it('a viewer cannot issue or revoke links; another organization cannot revoke them', async () => {
    const link = await issue(w.customers.alpha);
    expect((await w.app.inject({ method: 'POST', url: `/api/organizations/${w.orgA}/customers/${w.customers.alpha}/portal-links`, headers: w.as('viewerA'), payload: {} })).statusCode).toBe(403);
    const url = `/api/organizations/${w.orgB}/customers/${w.customers.alpha}/portal-links/${link.id}`;
    expect((await w.app.inject({ method: 'DELETE', url, headers: w.as('adminB') })).statusCode).toBe(404);
    expect((await w.app.inject({ method: 'GET', url: pathOf(link.url) })).statusCode).toBe(200);
  });
});

describe('the payment-plan form', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

  async function pageWithCsrf() {
    const link = await issue(w.customers.alpha);
    const path = pathOf(link.url);
    const html = (await w.app.inject({ method: 'GET', url: path })).body;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    return { path, csrf };
  }
  const requests = async () =>
    (await w.db.pool.query(`SELECT payload FROM activities WHERE customer_id = $1 AND kind = 'portal.payment_plan_requested'`, [w.customers.alpha])).rows;

  it('refuses a post without the form token, and a bad field with 400 naming it, saving nothing', async () => {
    const { path, csrf } = await pageWithCsrf();
    const noToken = await w.app.inject({ method: 'POST', url: `${path}/payment-plan`, headers: formHeaders, payload: form({ installments: '3' }) });
    expect(noToken.statusCode).toBe(403);
    const bad = await w.app.inject({ method: 'POST', url: `${path}/payment-plan`, headers: formHeaders, payload: form({ csrf, installments: '99' }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Veuillez vérifier le champ : installments.');
    expect(await requests()).toEqual([]);
  });

  it("lands in the customer's timeline and thanks the customer", async () => {
    const { path, csrf } = await pageWithCsrf();
    const res = await w.app.inject({ method: 'POST', url: `${path}/payment-plan`, headers: formHeaders, payload: form({ csrf, installments: '4', message: 'Trois mois difficiles' }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${path}?done=1`);
    expect(await requests()).toEqual([{ payload: { installments: 4, message: 'Trois mois difficiles' } }]);
    const timeline = await w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgA}/customers/${w.customers.alpha}/timeline?kind=portal.`, headers: w.as('viewerA') });
    expect(timeline.json().items[0]).toMatchObject({ kind: 'portal.payment_plan_requested', actor: expect.stringMatching(/^portal:/) });
    expect((await w.app.inject({ method: 'GET', url: `${path}?done=1` })).body).toContain('nous avons bien reçu votre demande');
  });

  it("a form token of one link does not post for another", async () => {
    const a = await pageWithCsrf();
    const b = await pageWithCsrf();
    const res = await w.app.inject({ method: 'POST', url: `${b.path}/payment-plan`, headers: formHeaders, payload: form({ csrf: a.csrf, installments: '3' }) });
    expect(res.statusCode).toBe(403);
  });
});

describe('the promise and dispute forms', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

  async function opened(customerId: string, orgId = w.orgA, as: Parameters<World['as']>[0] = 'collectorA') {
    const link = await issue(customerId, orgId, as);
    const path = pathOf(link.url);
    const csrf = /name="csrf" value="([^"]+)"/.exec((await w.app.inject({ method: 'GET', url: path })).body)![1]!;
    return { path, csrf };
  }

  it('records a promise through core/promises, refusing a past date with the field named and nothing saved', async () => {
    const { path, csrf } = await opened(w.customers.alpha);
    const past = await w.app.inject({ method: 'POST', url: `${path}/promise`, headers: formHeaders, payload: form({ csrf, date: '2020-01-01', amount: '100' }) });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('Veuillez vérifier le champ : date.');
    const count = async () => (await w.db.pool.query('SELECT count(*)::int AS n FROM promises_to_pay WHERE customer_id = $1', [w.customers.alpha])).rows[0].n;
    expect(await count()).toBe(0);
    const ok = await w.app.inject({ method: 'POST', url: `${path}/promise`, headers: formHeaders, payload: form({ csrf, date: inDays(14), amount: '250,50' }) });
    expect(ok.statusCode, ok.body).toBe(303);
    const { rows } = await w.db.pool.query('SELECT amount_minor::text AS amount, currency, status FROM promises_to_pay WHERE customer_id = $1', [w.customers.alpha]);
    expect(rows).toEqual([{ amount: '25050', currency: 'EUR', status: 'pending' }]);
  });

  it("opens a dispute on the customer's own invoice only", async () => {
    const { path, csrf } = await opened(w.customers.gamma, w.orgB, 'adminB');
    const foreign = await w.app.inject({ method: 'POST', url: `${path}/dispute`, headers: formHeaders, payload: form({ csrf, invoiceId: w.invoices.alpha1, reason: 'never received' }) });
    expect(foreign.statusCode).toBe(400);
    const ok = await w.app.inject({ method: 'POST', url: `${path}/dispute`, headers: formHeaders, payload: form({ csrf, invoiceId: w.invoices.gamma1, reason: 'never received' }) });
    expect(ok.statusCode, ok.body).toBe(303);
    const { rows } = await w.db.pool.query('SELECT d.opened_via, i.disputed FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id JOIN invoices i ON i.id = di.invoice_id');
    expect(rows).toEqual([{ opened_via: 'portal', disputed: true }]);
  });
});
