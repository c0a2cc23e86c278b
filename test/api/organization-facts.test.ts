/**
 * Issue 13.6: an admin corrects the base currency and country connect read from the source; the
 * change is audited with before and after; a code that is not ISO is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
}, 60_000);
afterAll(() => w.close());

const put = (body: unknown, as: Parameters<World['as']>[0] = 'adminA') =>
  w.app.inject({ method: 'PUT', url: `/api/organizations/${w.orgA}/source-facts`, headers: w.as(as), payload: body as object });

describe('PUT /api/organizations/:orgId/source-facts', () => {
  it('sets GBP / GB, and the audit keeps what it was', async () => {
    const res = await put({ baseCurrency: 'GBP', country: 'GB' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ baseCurrency: 'GBP', country: 'GB' });
    const org = (await w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgA}`, headers: w.as('adminA') })).json() as { baseCurrency: string; country: string };
    expect(org).toMatchObject({ baseCurrency: 'GBP', country: 'GB' });
    const { rows } = await w.db.pool.query("SELECT payload FROM activities WHERE organization_id = $1 AND kind = 'audit.organization.source_facts' ORDER BY occurred_at DESC LIMIT 1", [w.orgA]);
    expect(rows[0].payload).toEqual({ before: { baseCurrency: 'EUR', country: 'FR' }, after: { baseCurrency: 'GBP', country: 'GB' } });
  });

  const bad: [string, unknown, string][] = [
    ['a currency no one issues', { baseCurrency: 'XYZ' }, 'baseCurrency'],
    ['a lowercase currency', { baseCurrency: 'gbp' }, 'baseCurrency'],
    ['a country that does not exist', { country: 'ZZ' }, 'country'],
    ['an alpha-3 country', { country: 'GBR' }, 'country'],
    ['nothing to change', {}, 'baseCurrency'],
    ['another field', { country: 'GB', timezone: 'Europe/London' }, 'timezone'],
  ];
  for (const [what, body, field] of bad) {
    it(`refuses ${what} with a 400 naming the field`, async () => {
      const res = await put(body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'invalid', field } });
    });
  }

  it('is for admins only, and changes nothing for a collector', async () => {
    const res = await put({ country: 'DE' }, 'collectorA');
    expect(res.statusCode).toBe(403);
    const { rows } = await w.db.pool.query('SELECT country FROM organizations WHERE id = $1', [w.orgA]);
    expect(rows[0].country).toBe('GB');
  });
});
