/**
 * The daily rescoring (issue 19.1) on a real PostgreSQL: claimed once per organization and local
 * date from RESCORE_HOUR in the organization's own time zone (an unfinished claim taken over after
 * an hour), every customer scored — those without any payment too — with the month's entry of the
 * score history; and the `scoring.schedule` / `scoring.rescore` jobs registered with the others.
 */
import type { Agenda } from 'agenda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRescore, dueRescores, RESCORE_HOUR, runRescore, scoreHistory } from '../../core/scoring/index.ts';
import { DAILY_RUN_HOUR } from '../../core/agenda/index.ts';
import { addDays } from '../../core/calendar/index.ts';
import { connections, customers, invoices, organizations } from '../../core/store/schema/index.ts';
import { defineJobs } from '../../jobs/definitions.ts';
import { SCORING_RESCORE, SCORING_SCHEDULE } from '../../jobs/scoring.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let db: TestDatabase;
let paris: string;
let auckland: string;
const customerIds: Record<string, string> = {};

async function seedOrganization(name: string, timezone: string): Promise<{ orgId: string; connId: string }> {
  const [org] = await db.db.insert(organizations).values({ name, baseCurrency: 'EUR', country: 'FR', timezone }).returning();
  const [conn] = await db.db.insert(connections).values({ organizationId: org!.id, provider: 'quickbooks', externalAccountId: `realm-${name}` }).returning();
  return { orgId: org!.id, connId: conn!.id };
}

beforeAll(async () => {
  db = await createTestDatabase();
  const p = await seedOrganization('Paris', 'Europe/Paris');
  paris = p.orgId;
  auckland = (await seedOrganization('Auckland', 'Pacific/Auckland')).orgId;
  for (const [key, name] of [['late', 'Late payer'], ['none', 'No payment yet'], ['open', 'Open only']] as const) {
    const [c] = await db.db.insert(customers).values({ organizationId: paris, connectionId: p.connId, externalId: `C-${key}`, name, currency: 'EUR' }).returning();
    customerIds[key] = c!.id;
  }
  // The late payer paid four invoices 60 days after their due date (no allocation: the source's last update stands for the day paid).
  for (let i = 0; i < 4; i++) {
    await db.db.insert(invoices).values({
      organizationId: paris, connectionId: p.connId, externalId: `INV-L${i}`, customerExternalId: 'C-late', customerId: customerIds.late!, currency: 'EUR',
      number: `L${i}`, issueDate: '2026-06-01', dueDate: `2026-0${6 + i}-15`, totalMinor: 10000n, balanceMinor: 0n, status: 'paid',
      sourceUpdatedAt: new Date(`${addDays(`2026-0${6 + i}-15`, 60)}T12:00:00Z`),
    });
  }
  await db.db.insert(invoices).values({
    organizationId: paris, connectionId: p.connId, externalId: 'INV-O1', customerExternalId: 'C-open', customerId: customerIds.open!, currency: 'EUR',
    number: 'O1', issueDate: '2026-10-01', dueDate: '2026-10-31', totalMinor: 50000n, balanceMinor: 50000n, status: 'open',
  });
}, 60_000);
afterAll(() => db?.drop());

describe('claiming the day', () => {
  it('comes an hour before the dunning run', () => {
    expect(RESCORE_HOUR).toBe(DAILY_RUN_HOUR - 1);
  });

  it('claims each organization once per local date, from RESCORE_HOUR in its own time zone', async () => {
    // 04:30 UTC on 4 December: 05:30 in Paris (due), 17:30 in Auckland (due, its own date).
    const now = new Date('2026-12-04T04:30:00Z');
    const due = await dueRescores(db.db, now);
    expect(due).toEqual(expect.arrayContaining([{ organizationId: paris, asOf: '2026-12-04' }, { organizationId: auckland, asOf: '2026-12-04' }]));
    expect(due).toHaveLength(2);
    // A second scheduler ticking at the same time finds nothing left to claim.
    expect(await dueRescores(db.db, now)).toEqual([]);
    // 03:30 UTC on the 5th: 04:30 in Paris (too early), 16:30 on the 5th in Auckland (a new day).
    expect(await dueRescores(db.db, new Date('2026-12-05T03:30:00Z'))).toEqual([{ organizationId: auckland, asOf: '2026-12-05' }]);
  });

  it('takes over a claim left unfinished for an hour, never a finished one', async () => {
    expect(await claimRescore(db.db, auckland, '2026-12-04')).toBe(false);
    await db.pool.query(`UPDATE scoring_runs SET started_at = now() - interval '2 hours' WHERE organization_id = $1 AND as_of = '2026-12-04'`, [auckland]);
    expect(await claimRescore(db.db, auckland, '2026-12-04')).toBe(true);
    expect(await runRescore(db.db, auckland, '2026-12-04')).toBe(0);
    await db.pool.query(`UPDATE scoring_runs SET started_at = now() - interval '2 hours' WHERE organization_id = $1 AND as_of = '2026-12-04'`, [auckland]);
    expect(await claimRescore(db.db, auckland, '2026-12-04')).toBe(false);
  });
});

describe('rescoring an organization', () => {
  it('scores every customer, with or without payments, and writes the month of its history', async () => {
    const scored = await runRescore(db.db, paris, '2026-11-20');
    expect(scored).toBe(3);
    const { rows } = await db.pool.query<{ customer_id: string; score: number; risk_class: string }>(
      `SELECT customer_id, score, risk_class FROM customer_dunning_profiles WHERE organization_id = $1`, [paris]);
    const byId = new Map(rows.map((r) => [r.customer_id, r]));
    expect(byId.size).toBe(3);
    // 60 days late on every invoice: 30 points for lateness, all 25 for the share paid late.
    expect(byId.get(customerIds.late!)).toMatchObject({ score: 45, risk_class: 'high' });
    expect(byId.get(customerIds.none!)).toMatchObject({ score: 100, risk_class: 'low' });
    // Nothing paid, one invoice 20 days overdue on 20 November (due 31 October): 10 points for lateness, 25 for the share late.
    expect(byId.get(customerIds.open!)).toMatchObject({ score: 65, risk_class: 'medium' });
    for (const id of Object.values(customerIds)) {
      expect(await scoreHistory(db.db, paris, id)).toEqual([expect.objectContaining({ month: '2026-11' })]);
    }
    const { rows: [run] } = await db.pool.query(`SELECT scored, finished_at FROM scoring_runs WHERE organization_id = $1 AND as_of = '2026-11-20'`, [paris]);
    expect(run.scored).toBe(3);
    expect(run.finished_at).not.toBeNull();
  });

  it('keeps one entry per month: a later day of the month replaces it, the next month adds one', async () => {
    await runRescore(db.db, paris, '2026-11-28');
    await runRescore(db.db, paris, '2026-12-02');
    const history = await scoreHistory(db.db, paris, customerIds.late!);
    expect(history.map((h) => h.month)).toEqual(['2026-11', '2026-12']);
  });
});

describe('the jobs', () => {
  it('are registered with the dunning jobs: the schedule enqueues each due organization, the rescore scores it', async () => {
    const handlers = new Map<string, (job: unknown) => Promise<void>>();
    const enqueued: { name: string; data: unknown }[] = [];
    const agenda = {
      define: (name: string, fn: (job: unknown) => Promise<void>) => { handlers.set(name, fn); },
      now: async (name: string, data: unknown) => { enqueued.push({ name, data }); },
    } as unknown as Agenda;
    const logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never;
    defineJobs(agenda, { logger, dunning: { db: db.db, send: { channels: {}, render: () => { throw new Error('no render'); }, workerId: 'test' } as never } });
    expect(handlers.has(SCORING_SCHEDULE)).toBe(true);
    expect(handlers.has(SCORING_RESCORE)).toBe(true);

    await db.pool.query(`DELETE FROM scoring_runs`);
    await handlers.get(SCORING_SCHEDULE)!({ attrs: { data: {} } });
    // What it enqueues is what it claimed (whichever organizations' local hour has come as the test runs).
    const { rows: claimed } = await db.pool.query<{ organizationId: string; asOf: string }>(
      `SELECT organization_id AS "organizationId", as_of::text AS "asOf" FROM scoring_runs ORDER BY 1`);
    const mine = enqueued.filter((e) => e.name === SCORING_RESCORE).map((e) => e.data as { organizationId: string; asOf: string });
    expect([...mine].sort((a, b) => a.organizationId.localeCompare(b.organizationId))).toEqual(claimed);

    await db.pool.query(`DELETE FROM customer_score_history WHERE organization_id = $1`, [paris]);
    await handlers.get(SCORING_RESCORE)!({ attrs: { data: { organizationId: paris, asOf: '2027-01-03' } }, touch: async () => {} });
    const { rows: [n] } = await db.pool.query(`SELECT count(*)::int AS n FROM customer_score_history WHERE organization_id = $1 AND month = '2027-01-01'`, [paris]);
    expect(n.n).toBe(3);
  });
});
