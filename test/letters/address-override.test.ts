/**
 * An admin's edit of a customer's postal address survives the next sync (issue 15.1, "editable per
 * customer"): a real QuickBooks sync from the sandbox, the edit through the API, the address
 * changed in QuickBooks and synced again. The edit is what letters use (the send-time check and
 * the letter's recipient block), shown as edited in Relance beside the provider's value; clearing
 * it goes back to the provider's address, the newest one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../core/connections/index.ts';
import { heldReason } from '../../core/send-readiness/hold.ts';
import { runSync } from '../../core/sync/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { createWorld, type World } from '../api/world.ts';

describe('a customer address edited in Relance', () => {
  let world: World;
  let sandbox: RunningSandbox;
  let connectionId: string;
  let customerId: string;
  let externalId: string;

  const api = (method: 'GET' | 'PATCH', url: string, payload?: unknown, who: 'adminA' | 'viewerA' = 'adminA') =>
    world.app.inject({ method, url: `/api/organizations/${world.orgA}${url}`, headers: world.as(who), ...(payload !== undefined && { payload: payload as object }) });
  const sync = () => runSync({ store: world.db, keys: world.keys, connectorFor }, connectionId, { full: true });

  beforeAll(async () => {
    world = await createWorld();
    sandbox = await startSandbox({ seed: 11, invoices: 20, asOf: '2026-11-02', port: 0, limits: false });
    const qb = sandbox.quickbooks;
    const connection = await createConnection(world.db.pool, world.keys, {
      organizationId: world.orgA, provider: 'quickbooks', displayName: 'Sandbox QuickBooks',
      settings: {
        accountId: qb.realmId!, clientId: qb.clientId!, clientSecret: qb.clientSecret!, baseUrl: qb.baseUrl,
        tokenUrl: `${qb.baseUrl}/oauth2/v1/tokens/bearer`, webhookKey: qb.webhookVerifierToken!, homeCurrency: sandbox.world.quickbooks.homeCurrency,
        extra: { stageFieldId: '1', disputeFieldId: '2' },
      },
      tokens: { accessToken: qb.accessToken!, refreshToken: qb.refreshToken!, expiresAt: new Date(Date.now() + 3_000_000) },
    });
    connectionId = connection.id;
    await sync();
    const { rows } = await world.db.pool.query<{ id: string; external_id: string }>(
      `SELECT id, external_id FROM customers WHERE connection_id = $1 AND postal_address IS NOT NULL ORDER BY external_id LIMIT 1`, [connectionId]);
    customerId = rows[0]!.id;
    externalId = rows[0]!.external_id;
  }, 120_000);

  afterAll(async () => {
    await sandbox?.close();
    await world?.close();
  });

  it('keeps the edit over a sync that changed the provider’s address, and goes back to the provider’s on request', async () => {
    const before = (await api('GET', `/customers/${customerId}/details`)).json();
    expect(before.postalAddressEdited).toBeNull();
    expect(before.postalAddress).toEqual(before.syncedPostalAddress);
    expect(before.postalAddress.lines.length).toBeGreaterThan(0);

    const edited = { lines: ['Service comptabilité', '4 place du Marché'], postalCode: '69002', city: 'Lyon', country: 'FR' };
    const saved = await api('PATCH', `/customers/${customerId}/details`, { postalAddress: edited });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ postalAddress: edited, syncedPostalAddress: before.syncedPostalAddress, postalAddressEdited: { by: `user:${world.users.adminA.id}` } });

    // In QuickBooks, the customer moves; the next sync brings the new address in…
    await sandbox.controls.quickbooks.editRecord('Customer', externalId, {
      BillAddr: { Id: '900', Line1: '500 Harbor Blvd', City: 'Oakland', CountrySubDivisionCode: 'CA', PostalCode: '94607', Country: 'USA' },
    });
    const report = await sync();
    expect(Object.values(report.streams).some((s) => (s.written.customer ?? 0) > 0)).toBe(true);

    // …as the provider's value, while the edit stays the one letters use.
    const after = (await api('GET', `/customers/${customerId}/details`)).json();
    expect(after.syncedPostalAddress).toMatchObject({ lines: ['500 Harbor Blvd'], city: 'Oakland', country: 'US' });
    expect(after.postalAddress).toEqual(edited);
    expect(after.postalAddressEdited.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const { rows: [raw] } = await world.db.pool.query(`SELECT postal_address, postal_address_override FROM customers WHERE id = $1`, [customerId]);
    expect(raw.postal_address.city).toBe('Oakland');
    expect(raw.postal_address_override).toEqual(edited);

    // Back to the provider's: the newest synced address, no longer marked as edited.
    const back = await api('PATCH', `/customers/${customerId}/details`, { postalAddress: null });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ postalAddress: { city: 'Oakland' }, postalAddressEdited: null });
    const audit = await world.db.pool.query(`SELECT payload FROM activities WHERE kind = 'audit.customer.details' AND customer_id = $1 ORDER BY occurred_at`, [customerId]);
    expect(audit.rows.map((r) => r.payload.postalAddress ?? 'edit')).toEqual(['edit', 'provider']);
  }, 60_000);

  it('the send-time check reads the edit: a customer with no synced address but an edited one is not held', async () => {
    await world.db.pool.query(`UPDATE organizations SET sender_address = $2::jsonb WHERE id = $1`, [world.orgA, JSON.stringify({ lines: ['12 rue des Tanneurs'], city: 'Paris', postalCode: '75011', country: 'FR' })]);
    const check = { id: '00000000-0000-0000-0000-000000000000', organization_id: world.orgA, customer_id: world.customers.beta, channel: 'letter', template: 'formal-notice' };
    const channels = { letter: {} };
    expect(await heldReason(world.db.db, channels, check)).toBe('no postal address for the customer');
    expect((await api('PATCH', `/customers/${world.customers.beta}/details`, { postalAddress: { lines: ['1 quai Est'], city: 'Lyon', country: 'FR' } })).statusCode).toBe(200);
    expect(await heldReason(world.db.db, channels, check)).toBeNull();
  });

  it('refuses an address without a country, naming the field, and a viewer’s edit', async () => {
    const noCountry = await api('PATCH', `/customers/${customerId}/details`, { postalAddress: { lines: ['4 place du Marché'], city: 'Lyon' } });
    expect(noCountry.statusCode).toBe(400);
    expect(noCountry.json().field ?? JSON.stringify(noCountry.json())).toMatch(/postalAddress\.country/);
    expect((await api('PATCH', `/customers/${customerId}/details`, { postalAddress: null }, 'viewerA')).statusCode).toBe(403);
  });
});
