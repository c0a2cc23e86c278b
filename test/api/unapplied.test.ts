/**
 * Unapplied money through the admin API on a real PostgreSQL: refresh computes the suggestions,
 * the list shows the money, the invoices, the amounts, the rank and the explanation (paged, limited
 * to a restricted collector's customers); accept records the allocations and queues the QuickBooks
 * application; a decided suggestion answers 409; dismiss; another organization sees nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
  // Alpha paid 1000.00 naming its invoice; beta paid 1000.00 with no reference.
  await w.db.pool.query(
    `INSERT INTO payments (organization_id, connection_id, external_id, customer_external_id, customer_id, currency, date, amount_minor, unapplied_minor, reference)
     VALUES ($1, $2, 'PAY-A', 'C-ALPHA', $3, 'EUR', '2026-02-20', 100000, 100000, 'virement F-C-ALPHA'),
            ($1, $2, 'PAY-B', 'C-BETA', $4, 'EUR', '2026-02-21', 100000, 100000, NULL)`,
    [w.orgA, w.connA, w.customers.alpha, w.customers.beta],
  );
}, 60_000);
afterAll(() => w.close());

const base = (w: World) => `/api/organizations/${w.orgA}/unapplied-suggestions`;

describe('unapplied money', () => {
  it('refreshes and lists the suggestions with the money, the invoices, the rank and the explanation', async () => {
    const refreshed = await w.app.inject({ method: 'POST', url: `${base(w)}/refresh`, headers: w.as('collectorA') });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.json().open).toBeGreaterThanOrEqual(2);

    const list = await w.app.inject({ method: 'GET', url: base(w), headers: w.as('viewerA') });
    expect(list.statusCode).toBe(200);
    const alpha = list.json().items.find((s: { unapplied: { providerReference: string } }) => s.unapplied.providerReference === 'PAY-A');
    expect(alpha).toMatchObject({
      status: 'suggested',
      customer: { id: w.customers.alpha, name: 'Alpha SARL' },
      unapplied: { kind: 'payment', provider: 'quickbooks', reference: 'virement F-C-ALPHA', date: '2026-02-20', amount: '1000.00', currency: 'EUR' },
      invoices: [{ id: w.invoices.alpha1, number: 'F-C-ALPHA', dueDate: '2026-02-04', balance: '1000.00', amount: '1000.00' }],
      amount: '1000.00', currency: 'EUR', rule: 'reference', rank: 1, explanation: expect.stringContaining('F-C-ALPHA'),
    });
    // Best first.
    const scores = list.json().items.map((s: { score: number }) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('pages with a cursor, and shows a restricted collector only their customers; another organization nothing', async () => {
    const all = (await w.app.inject({ method: 'GET', url: base(w), headers: w.as('adminA') })).json().items.map((s: { id: string }) => s.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await w.app.inject({ method: 'GET', url: `${base(w)}?limit=1${cursor ? `&cursor=${cursor}` : ''}`, headers: w.as('adminA') });
      const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);

    const restricted = await w.app.inject({ method: 'GET', url: base(w), headers: w.as('restrictedA') });
    expect(new Set(restricted.json().items.map((s: { customer: { id: string } }) => s.customer.id))).toEqual(new Set([w.customers.alpha]));
    const outsider = await w.app.inject({ method: 'GET', url: base(w), headers: w.as('adminB') });
    expect(outsider.statusCode).toBe(404);
  });

  it('accepts: allocations recorded, the application queued; then 409; dismiss and its 409', async () => {
    const items = (await w.app.inject({ method: 'GET', url: base(w), headers: w.as('adminA') })).json().items as { id: string; customer: { id: string }; unapplied: { providerReference: string } }[];
    const alpha = items.find((s) => s.unapplied.providerReference === 'PAY-A')!;
    const beta = items.find((s) => s.unapplied.providerReference === 'PAY-B')!;

    // A restricted collector cannot act on a customer not assigned to them.
    const hidden = await w.app.inject({ method: 'POST', url: `${base(w)}/${beta.id}/accept`, headers: w.as('restrictedA') });
    expect(hidden.statusCode).toBe(404);

    const accepted = await w.app.inject({ method: 'POST', url: `${base(w)}/${alpha.id}/accept`, headers: w.as('restrictedA') });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toEqual({ allocations: 1, writeBack: { status: 'queued', outboxIds: [expect.any(String)] } });
    const { rows } = await w.db.pool.query(`SELECT balance_minor::text AS balance, status::text FROM invoices WHERE id = $1`, [w.invoices.alpha1]);
    expect(rows).toEqual([{ balance: '0', status: 'paid' }]);

    const again = await w.app.inject({ method: 'POST', url: `${base(w)}/${alpha.id}/accept`, headers: w.as('adminA') });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already accepted/);

    const dismissed = await w.app.inject({ method: 'POST', url: `${base(w)}/${beta.id}/dismiss`, headers: w.as('collectorA') });
    expect(dismissed.json()).toEqual({ id: beta.id, status: 'dismissed' });
    const twice = await w.app.inject({ method: 'POST', url: `${base(w)}/${beta.id}/dismiss`, headers: w.as('collectorA') });
    expect(twice.statusCode).toBe(409);

    const decided = await w.app.inject({ method: 'GET', url: `${base(w)}?status=accepted`, headers: w.as('viewerA') });
    expect(decided.json().items).toEqual([expect.objectContaining({ id: alpha.id, status: 'accepted', decidedBy: w.users.restrictedA.id, decidedAt: expect.any(String) })]);
    const bad = await w.app.inject({ method: 'GET', url: `${base(w)}?status=maybe`, headers: w.as('viewerA') });
    expect(bad.json().error.field).toBe('status');
  });
});
