/** The portal remembers: the customer's promises, plan requests and disputes with their status, in the page's language, escaped. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../api/world.ts';

let w: World;
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
beforeAll(async () => {
  w = await createWorld({ publicUrl: 'https://relance.example.com' });
}, 60_000);
afterAll(() => w.close());

async function portalPage(customerId: string): Promise<string> {
  const issued = await w.app.inject({ method: 'POST', url: `/api/organizations/${w.orgA}/customers/${customerId}/portal-links`, headers: w.as('collectorA'), payload: {} });
  expect(issued.statusCode, issued.body).toBe(201);
  const res = await w.app.inject({ method: 'GET', url: new URL(issued.json().url).pathname });
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe('the portal remembers', () => {
  it('says nothing of a history the customer does not have', async () => {
    expect(await portalPage(w.customers.beta)).not.toContain('portal-history');
  });

  it('lists the promise, the plan request and the dispute with their status', async () => {
    const A = `/api/organizations/${w.orgA}/customers/${w.customers.alpha}`;
    expect((await w.app.inject({ method: 'POST', url: `${A}/promises`, headers: w.as('collectorA'), payload: { amount: '400.00', date: inDays(9) } })).statusCode).toBe(201);
    expect((await w.app.inject({ method: 'POST', url: `${A}/calls`, headers: w.as('collectorA'), payload: { outcome: 'dispute', dispute: { invoiceIds: [w.invoices.alpha1], reason: 'wrong <b>price</b>' } } })).statusCode).toBe(201);
    await w.db.pool.query(`INSERT INTO activities (organization_id, customer_id, actor, kind, payload) VALUES ($1, $2, 'portal:t1', 'portal.payment_plan_requested', '{"installments":4,"message":null}')`, [w.orgA, w.customers.alpha]);
    const html = await portalPage(w.customers.alpha);
    // Alpha's language is French: the section speaks it.
    expect(html).toContain('<h2>Ce que vous nous avez dit</h2>');
    expect(html).toMatch(/<li data-status="pending">400,00\u00a0€ pour le \d{1,2} [a-zéû.]+ \d{4} \(promis le \d{1,2} [a-zéû.]+ \d{4}\) <em class="status status-pending">\(en cours\)<\/em><\/li>/);
    expect(html).toContain('en 4 échéances : nous revenons vers vous');
    expect(html).toContain('F-C-ALPHA, ouverte le');
    expect(html).toContain('wrong &lt;b&gt;price&lt;/b&gt;');
    expect(html).toContain('(en cours d’examen)');
  });
});
