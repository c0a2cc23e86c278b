/**
 * The mapping editor's sample records: the raw source records a connection synced, newest first,
 * for the entity a mapping produces; refused to a member limited to assigned customers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, seedRawCustomers, type UserName, type World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
  await seedRawCustomers(w);
}, 60_000);
afterAll(() => w.close());

const samples = (entity: string, as: UserName = 'viewerA', query = '') =>
  w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgA}/connections/${w.connA}/mappings/${entity}/samples${query}`, headers: w.as(as) });

describe('mapping samples', () => {
  it("gives the connection's raw customer records, which the preview then maps", async () => {
    const res = await samples('customer');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.entity).toBe('customer');
    expect(body.records.map((r: { Id: string }) => r.Id).sort()).toEqual(['C-ALPHA', 'C-BETA']);
    const preview = await w.app.inject({
      method: 'POST', url: `/api/organizations/${w.orgA}/connections/${w.connA}/mappings/customer/preview`, headers: w.as('viewerA'),
      payload: { records: body.records, override: { fields: { name: { path: 'CompanyName' } } } },
    });
    expect(preview.json().records.map((r: { name: string }) => r.name).sort()).toEqual(['Alpha Holding', 'Beta Group']);
  });

  it('draws from the table of the entity the mapping makes, and honours limit', async () => {
    const invoices = (await samples('invoice')).json();
    expect(invoices.records.map((r: { Id: string }) => r.Id).sort()).toEqual(['C-ALPHA', 'C-BETA']);
    expect((await samples('credit-note')).json()).toEqual({ entity: 'creditNote', records: [] });
    expect((await samples('customer', 'viewerA', '?limit=1')).json().records).toHaveLength(1);
    expect((await samples('customer', 'viewerA', '?limit=99')).json().error.field).toBe('limit');
  });

  it('names a bad entity, hides other organizations, and refuses members limited to assigned customers', async () => {
    expect((await samples('spaceship')).json().error).toMatchObject({ code: 'invalid', field: 'entity' });
    expect((await samples('customer', 'adminB')).statusCode).toBe(404);
    expect((await samples('customer', 'restrictedA')).statusCode).toBe(403);
  });
});
