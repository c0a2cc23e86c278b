/**
 * Each reminder carries its customer's own portal link: issued by the sender at the first reminder
 * (public URL, signed token), opening that customer's page on the real server, reused by the next
 * reminders while it lasts, renewed when it would expire too soon, and the same after a retry.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { runOrganization } from '../../core/agenda/index.ts';
import { addDays, todayIn } from '../../core/calendar/index.ts';
import { SmtpChannel } from '../../core/channels/index.ts';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { createLogger } from '../../core/logging.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { verifyPortalToken } from '../../core/portal/index.ts';
import { saveScenario } from '../../core/scenarios/index.ts';
import { sendDueActions, type SendDeps } from '../../core/sending/index.ts';
import { buildServer } from '../../server/app.ts';
import type { TestDatabase } from '../support/db.ts';
import { addCustomer, addInvoice, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';
import type { SmtpSink } from './smtp-sink.ts';
import { closeSendTestbed, openSendTestbed } from './testbed.ts';

const PUBLIC_URL = 'https://relance.example.com';
const DAY = 86_400_000;
const keys = parseKeyRing(generateKeySpec());
const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });

let t: TestDatabase;
let sink: SmtpSink;
let smtp: SmtpChannel;
beforeAll(async () => {
  ({ t, sink, smtp } = await openSendTestbed());
});
afterAll(() => closeSendTestbed({ t, sink, smtp }));

const deps = (publicUrl: string | null = PUBLIC_URL): SendDeps => ({
  channels: { email: smtp }, render: (i) => renderMessage(i), workerId: 'w-portal', portalLinks: { keys, publicUrl },
});

// Three emails a cycle, the last one far enough after the first that its link has under 30 days left.
const THREE_EMAILS = {
  name: 'standard',
  steps: [
    { offsetDays: 1, action: 'email', template: 'reminder-1' },
    { offsetDays: 15, action: 'email', template: 'reminder-2' },
    { offsetDays: 40, action: 'email', template: 'reminder-2' },
  ],
};
const ALWAYS = { from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] };

async function overdueCustomer(f: OrgFixture, name: string): Promise<{ customerId: string; address: string; today: string }> {
  const today = todayIn('Europe/Paris');
  const customerId = await addCustomer(t.db, f, { name });
  await addInvoice(t.db, f, customerId, { dueDate: addDays(today, -3) });
  const { rows } = await t.db.execute<{ email: string }>(sql`SELECT email FROM customers WHERE id = ${customerId}`);
  return { customerId, address: rows[0]!.email, today };
}

/** Plans as of `days` from today and sends as if it were then; returns the portal URL of the email that left. */
async function remindOn(f: OrgFixture, c: { address: string; today: string }, days: number, send = deps()): Promise<string | null> {
  await runOrganization(t.db, { organizationId: f.organizationId, asOf: addDays(c.today, days) });
  const before = sink.accepted.length;
  const pass = await sendDueActions(t.db, send, { now: new Date(Date.now() + days * DAY), organizationId: f.organizationId });
  expect(pass.outcomes.sent).toBe(1);
  const mail = sink.accepted.slice(before).find((m) => m.to.includes(c.address));
  const text = mail!.parts.get('text/plain')!;
  return text.match(/https?:\/\/\S+\/portal\/[\w.-]+/)?.[0] ?? null;
}

async function linkRows(customerId: string) {
  const { rows } = await t.db.execute<{ created_by: string }>(sql`SELECT created_by FROM portal_tokens WHERE customer_id = ${customerId}`);
  return rows;
}

describe('the portal link in reminders', () => {
  it("puts the customer's own signed link, at the public URL, in the email; it opens that customer's page", async () => {
    const f = await seedOrganization(t.db, { sendingHours: ALWAYS });
    await saveScenario(t.db, f.organizationId, THREE_EMAILS);
    const c = await overdueCustomer(f, 'Boulangerie Martin SARL');
    const url = await remindOn(f, c, 0);
    expect(url).toMatch(/^https:\/\/relance\.example\.com\/portal\/v1\./);
    expect(await linkRows(c.customerId)).toEqual([{ created_by: 'job:dunning.send' }]);
    // The HTML button points to the same link.
    expect(sink.accepted.at(-1)!.parts.get('text/html')).toContain(`href="${url}"`);

    const app = buildServer({ pool: t.pool, storeMode: 'postgres', worker: null, logger: silent, keys, publicUrl: PUBLIC_URL });
    try {
      const page = await app.inject({ method: 'GET', url: new URL(url!).pathname });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Boulangerie Martin SARL');
    } finally {
      await app.close();
    }
  });

  it('reuses the link for the next reminders while it lasts 30 more days, then issues a new one', async () => {
    const f = await seedOrganization(t.db, { sendingHours: ALWAYS });
    await saveScenario(t.db, f.organizationId, THREE_EMAILS);
    const c = await overdueCustomer(f, 'Garage Lefèvre');
    const first = await remindOn(f, c, 0);
    // 20 days later the 60-day link has 40 left: the same link.
    expect(await remindOn(f, c, 20)).toBe(first);
    expect(await linkRows(c.customerId)).toHaveLength(1);
    // 40 days later it has 20 left, too few for a reminder read weeks later: a new link.
    const third = await remindOn(f, c, 40);
    expect(third).toMatch(/\/portal\/v1\./);
    expect(third).not.toBe(first);
    expect(await linkRows(c.customerId)).toHaveLength(2);
  });

  it('never reuses a revoked link', async () => {
    const f = await seedOrganization(t.db, { sendingHours: ALWAYS });
    await saveScenario(t.db, f.organizationId, THREE_EMAILS);
    const c = await overdueCustomer(f, 'Fromagerie Blanc');
    const first = await remindOn(f, c, 0);
    await t.db.execute(sql`UPDATE portal_tokens SET revoked_at = now() WHERE customer_id = ${c.customerId}`);
    const second = await remindOn(f, c, 20);
    expect(second).toMatch(/\/portal\/v1\./);
    expect(second).not.toBe(first);
  });

  it('sends the same link after a failed attempt: the retry renders the same message', async () => {
    const f = await seedOrganization(t.db, { sendingHours: ALWAYS });
    await saveScenario(t.db, f.organizationId, THREE_EMAILS);
    const c = await overdueCustomer(f, 'Imprimerie Roux');
    await runOrganization(t.db, { organizationId: f.organizationId, asOf: c.today });
    sink.refuse.set(c.address, [451, '4.2.1 Mailbox busy, try later']);
    expect((await sendDueActions(t.db, deps(), { organizationId: f.organizationId })).outcomes.retry).toBe(1);
    sink.refuse.delete(c.address);
    // Its back-off has passed.
    await t.db.execute(sql`UPDATE actions SET next_attempt_at = NULL WHERE customer_id = ${c.customerId}`);
    // The link settled before the failed attempt is the one the retry sends.
    const [issued] = (await t.db.execute<{ id: string }>(sql`SELECT id FROM portal_tokens WHERE customer_id = ${c.customerId}`)).rows;
    const url = await remindOn(f, c, 0);
    expect(await linkRows(c.customerId)).toHaveLength(1);
    const verified = verifyPortalToken(keys, new URL(url!).pathname.slice('/portal/'.length));
    expect(verified.ok && verified.claims.tokenId).toBe(issued!.id);
  });

  it('puts no link, and issues none, without a public URL', async () => {
    const f = await seedOrganization(t.db, { sendingHours: ALWAYS });
    await saveScenario(t.db, f.organizationId, THREE_EMAILS);
    const c = await overdueCustomer(f, 'Menuiserie Petit');
    expect(await remindOn(f, c, 0, deps(null))).toBeNull();
    expect(await linkRows(c.customerId)).toHaveLength(0);
  });
});
