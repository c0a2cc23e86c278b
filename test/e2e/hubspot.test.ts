/**
 * End to end against the HubSpot simulator, with its limits on: connect (property group, then
 * nothing on a second connect), full sync of companies and contacts, matching to the ledger's
 * customers (no wrong link, look-alikes listed for review, an admin's decision sticking), exactly the
 * changes on an incremental sync, paused/disputed set in HubSpot stopping dunning and clearing it
 * resuming, a sync killed mid-way resuming without duplicates, a 429 storm survived, write-back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../connectors/index.ts';
import { CRM_STREAMS } from '../../connectors/hubspot/index.ts';
import { runCrmSync } from '../../core/crm-control/index.ts';
import { LimiterRegistry, type AttemptRecord } from '../../core/http/index.ts';
import { decideMatch, listMatchReviews } from '../../core/matching/index.ts';
import { runSync, type SyncConnector } from '../../core/sync/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { listenHubspotSimulator, type RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import type { World } from '../../sandbox/shared/contract.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { ring } from '../sync/support.ts';
import { hubspotSession, seedHubSpot, type Seeded } from './hubspot-support.ts';

let world: World;
let sim: RunningHubspotSimulator;
let db: TestDatabase;
let seeded: Seeded;
const limiters = new LimiterRegistry();
const attempts: AttemptRecord[] = [];
const deps = (connectors: (p: string) => SyncConnector = connectorFor) => ({ store: db, keys: ring, connectorFor: connectors, limiters, onAttempt: (a: AttemptRecord) => attempts.push(a) });

async function q<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(text, params)).rows as T[];
}

const crmSync = (options: { full?: boolean } = {}, connectors?: (p: string) => SyncConnector) =>
  runCrmSync(deps(connectors), seeded.hubspotConnectionId, { streams: CRM_STREAMS, ...options });

beforeAll(async () => {
  world = generateWorld({ seed: 11, invoices: 3000, asOf: '2026-03-01' });
  sim = await listenHubspotSimulator({ world, limits: {} });
  db = await createTestDatabase();
  seeded = await seedHubSpot(db, world, sim);
}, 120_000);

afterAll(async () => {
  await limiters.stopAll();
  await sim?.close();
  await db?.drop();
});

describe('HubSpot end to end', () => {
  it('creates the Relance property group on connect, and a second connect changes nothing', async () => {
    const session = await hubspotSession(db, seeded.hubspotConnectionId, limiters);
    const first = await session.ensureProperties();
    expect(first.groupCreated).toBe(true);
    // Ten dunning properties and four credit ones (core/credit: limit, hold, its reason, the amount over the limit).
    expect(first.propertiesCreated.length).toBe(15);
    expect(first.propertiesCreated).toContain('relance_credit_hold');
    const writes = sim.control.writtenBack().length;
    expect(await session.ensureProperties()).toEqual({ groupCreated: false, propertiesCreated: [] });
    expect(sim.control.writtenBack().length).toBe(writes);
  });

  it('syncs every company (and deal) and contact fully, then matches customers without a wrong link', async () => {
    const report = await crmSync();
    expect(report.streams.company).toMatchObject({ pulled: world.hubspot.companies.length, rejected: 0 });
    expect(report.streams.hubspotInvoice!.pulled).toBe(0);
    const contacts = await runSync(deps(), seeded.hubspotConnectionId);
    expect(contacts.streams.contact!.pulled).toBe(world.hubspot.contacts.length);
    const [stored] = await q<{ n: string }>("SELECT count(DISTINCT external_id) AS n FROM crm_records WHERE connection_id = $1 AND object_type = 'company'", [seeded.hubspotConnectionId]);
    expect(Number(stored!.n)).toBe(world.hubspot.companies.length);
    // Every automatic link is the company the world made for that customer.
    const links = await q<{ customer: string; company: string; by: string }>(
      `SELECT c.external_id AS customer, r.external_id AS company, r.matched_by AS by FROM customer_external_refs r JOIN customers c ON c.id = r.customer_id WHERE r.connection_id = $1`,
      [seeded.hubspotConnectionId],
    );
    const truth = new Map(world.hubspot.companies.filter((c) => c.matchesCustomerId).map((c) => [c.matchesCustomerId!, c.id]));
    expect(links.length).toBeGreaterThan(truth.size * 0.8);
    for (const l of links) expect(truth.get(l.customer), `customer ${l.customer}`).toBe(l.company);
    // Every customer with a look-alike is listed for review, never linked.
    const lookAlikeNames = new Set(world.hubspot.companies.filter((c) => c.matchesCustomerId === null && c.domain === null).map((c) => c.name));
    expect(lookAlikeNames.size).toBeGreaterThan(0);
    const reviews = await listMatchReviews(db.db, seeded.hubspotConnectionId);
    expect(reviews.some((r) => r.reason === 'ambiguous' && r.candidates.length >= 2)).toBe(true);
    expect(report.matching.review).toBe(reviews.length);
  }, 120_000);

  it("keeps an admin's decision across syncs", async () => {
    const [review] = (await listMatchReviews(db.db, seeded.hubspotConnectionId)).filter((r) => r.reason === 'ambiguous');
    const chosen = review!.candidates[0]!.companyExternalId;
    await decideMatch(db.db, { customerId: review!.customerId, connectionId: seeded.hubspotConnectionId, companyExternalId: chosen, decision: 'link', decidedBy: 'user:admin' });
    await crmSync();
    const [ref] = await q<{ external_id: string; matched_by: string }>('SELECT external_id, matched_by FROM customer_external_refs WHERE customer_id = $1 AND connection_id = $2', [review!.customerId, seeded.hubspotConnectionId]);
    expect(ref).toEqual({ external_id: chosen, matched_by: 'manual' });
    expect((await listMatchReviews(db.db, seeded.hubspotConnectionId)).some((r) => r.customerId === review!.customerId)).toBe(false);
  }, 60_000);

  it('an incremental sync brings exactly the companies edited in HubSpot', async () => {
    const edited = world.hubspot.companies.slice(0, 3).map((c) => c.id);
    for (const id of edited) await sim.control.editRecord('companies', id, { name: `Renamed ${id}` });
    const report = await crmSync();
    expect(report.streams.company).toMatchObject({ pulled: 3, written: 3 });
    const names = await q<{ name: string }>("SELECT name FROM crm_records WHERE connection_id = $1 AND external_id = ANY($2) ORDER BY external_id", [seeded.hubspotConnectionId, edited]);
    expect(names.map((n) => n.name).sort()).toEqual(edited.map((id) => `Renamed ${id}`).sort());
    expect((await crmSync()).streams.company!.pulled).toBe(0);
  }, 60_000);

  it('paused or disputed in HubSpot stops dunning for the customer, shows in its timeline, and clearing resumes', async () => {
    const [link] = await q<{ customer_id: string; external_id: string }>("SELECT customer_id, external_id FROM customer_external_refs WHERE connection_id = $1 AND matched_by = 'domain' LIMIT 1", [seeded.hubspotConnectionId]);
    const changed: string[] = [];
    const sync = () => runCrmSync(deps(), seeded.hubspotConnectionId, { streams: ['company'], onCustomersChanged: async (ids) => void changed.push(...ids) });
    await sim.control.editRecord('companies', link!.external_id, { relance_paused: 'true', relance_disputed: 'true' });
    await sync();
    expect(changed).toEqual([link!.customer_id]);
    const state = async () => (await q<{ paused: boolean; holds: string }>(
      "SELECT c.paused, (SELECT count(*) FROM dunning_holds h WHERE h.customer_id = c.id AND h.released_at IS NULL AND h.reason = 'crm:disputed') AS holds FROM customers c WHERE c.id = $1",
      [link!.customer_id],
    ))[0]!;
    expect(await state()).toEqual({ paused: true, holds: '1' });
    await sim.control.editRecord('companies', link!.external_id, { relance_paused: 'false', relance_disputed: null });
    await sync();
    expect(await state()).toEqual({ paused: false, holds: '0' });
    const timeline = await q<{ kind: string }>("SELECT kind FROM activities WHERE customer_id = $1 AND actor = 'connector:hubspot' ORDER BY occurred_at, kind", [link!.customer_id]);
    expect(timeline.map((t) => t.kind).sort()).toEqual(['crm.dispute_cleared', 'crm.disputed', 'crm.paused', 'crm.resumed']);
  }, 60_000);

  it('a full sync killed after its first page resumes from there, without duplicates', async () => {
    const killing = (provider: string): SyncConnector => {
      const real = connectorFor(provider);
      return {
        ...real,
        connect: (context) => {
          const session = real.connect(context);
          return {
            async *pull(stream, cursor) {
              let pages = 0;
              for await (const page of session.pull(stream, cursor)) {
                yield page;
                if (++pages === 1) throw new Error('killed');
              }
            },
          };
        },
      };
    };
    await expect(runCrmSync(deps(killing), seeded.hubspotConnectionId, { streams: ['company'], full: true })).rejects.toThrow('killed');
    const resumed = await runCrmSync(deps(), seeded.hubspotConnectionId, { streams: ['company'] });
    // The first page (200) committed before the kill; the resumed run reads only the rest.
    expect(resumed.streams.company!.pulled).toBe(world.hubspot.companies.length - 200);
    const [stored] = await q<{ n: string; d: string }>("SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM crm_records WHERE connection_id = $1 AND object_type = 'company'", [seeded.hubspotConnectionId]);
    expect(Number(stored!.n)).toBe(world.hubspot.companies.length);
    expect(stored!.d).toBe(stored!.n);
  }, 60_000);

  it('survives a storm of 429s within the limits', async () => {
    sim.control.injectFault({ kind: 'rate_limit_storm', count: 4, pathPrefix: '/crm/v3/objects/companies/search' });
    attempts.length = 0;
    const report = await crmSync({ full: true });
    expect(report.streams.company!.pulled).toBe(world.hubspot.companies.length);
    expect(attempts.filter((a) => a.outcome === 'rate_limited').length).toBe(4);
  }, 90_000);

  it('writes the dunning state back 100 companies a call, and notes and tasks', async () => {
    const session = await hubspotSession(db, seeded.hubspotConnectionId, limiters);
    const ids = world.hubspot.companies.slice(0, 150).map((c) => c.id);
    const before = sim.control.writtenBack().length;
    const results = await session.updateCompanies(ids.map((id) => ({
      companyId: id, stage: 'reminder-1', overdueAmount: '1250.00', currency: 'USD', oldestOverdueDays: 9, disputed: false, paused: false,
      nextAction: 'reminder-2', nextActionDate: '2026-03-09', promiseDate: null, portalLink: null,
    })));
    expect(results.every((r) => r.ok)).toBe(true);
    const writes = sim.control.writtenBack().slice(before);
    expect(writes.filter((w) => w.what === 'batch-update')).toHaveLength(150);
    await session.addNote({ companyId: ids[0]!, body: 'Reminder 1 sent', at: new Date() });
    await session.addTask({ companyId: ids[0]!, ownerId: world.hubspot.companies[0]!.ownerId, subject: 'Call', body: 'Escalated', dueAt: new Date() });
    expect(sim.control.writtenBack().slice(before).map((w) => w.what)).toEqual(expect.arrayContaining(['note', 'task']));
  }, 60_000);
});
