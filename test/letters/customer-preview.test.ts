/**
 * A template previewed on a customer of the organization (issue 15.7): the customer's own name,
 * invoice and fees of the organization's policy, the blocks as they read; a customer of another
 * organization is not found (naming customerId), and nothing is saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../api/world.ts';

describe('template preview on a customer', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
  });
  afterAll(async () => w?.close());

  const preview = (customerId: string, source?: string) => w.app.inject({
    method: 'POST', url: `/api/organizations/${w.orgA}/templates/email/reminder-1/fr/preview`, headers: w.as('adminA'),
    payload: { customerId, ...(source && { source }) },
  });

  it('renders on the chosen customer: its invoice, the fee line of a French organization, its name in the blocks', async () => {
    const r = await preview(w.customers.alpha);
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json();
    expect(p.on).toEqual({ customerId: w.customers.alpha, name: 'Alpha SARL' });
    expect(p.subject).toContain('Alpha SARL');
    expect(p.text).toContain('F-C-ALPHA');
    expect(p.text).not.toContain('Boulangerie');
    // FR_B2B by default for a French organization: the 40 € indemnity per invoice.
    expect(p.text).toMatch(/40,00\u00a0€/);
    // No reminder was ever sent: the intro claims none.
    expect(p.blocks.intro).toMatch(/^Sauf erreur de notre part/);
    expect(p.blocks.greeting).toBeTruthy();
  });

  it('refuses a customer of another organization, naming customerId', async () => {
    const r = await preview(w.customers.gamma);
    expect(r.statusCode).toBe(404);
    expect(r.json().error.field).toBe('customerId');
    const { rows } = await w.db.pool.query(`SELECT count(*)::int AS n FROM template_overrides`);
    expect(rows[0].n).toBe(0);
  });
});
