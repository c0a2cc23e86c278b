/**
 * The customer portal as an abuser would use it, over HTTP: promise dates years ahead, amounts
 * above what is owed or beyond the money type, a promise posted again and again, a script looping
 * on a form, a link whose MAC is spelled differently but decodes the same. Every refusal is the
 * portal's page with a 4xx and changes nothing (row counts); the actors on the timeline are real.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_FORM_LIMIT } from '../../core/access/index.ts';
import { addDays, todayIn } from '../../core/calendar/index.ts';
import { issuePortalLink } from '../../core/portal/index.ts';
import { http, rowCounts, serveWorld, type Served } from './support.ts';

let s: Served;
let timezone: string;
beforeAll(async () => {
  s = await serveWorld();
  timezone = (await s.w.db.pool.query<{ timezone: string }>('SELECT timezone FROM organizations WHERE id = $1', [s.w.orgA])).rows[0]!.timezone;
}, 60_000);
afterAll(() => s?.close());

const TABLES = ['promises_to_pay', 'outbox', 'activities', 'disputes'] as const;
// Alpha (world.ts) owes one invoice: 1,000.00 EUR open.
const today = () => todayIn(timezone);

async function page(customerId = s.w.customers.alpha, orgId = s.w.orgA) {
  const link = await issuePortalLink(s.w.db.db, s.w.keys, { organizationId: orgId, customerId, createdBy: 'test' });
  const url = `${s.url}/portal/${link.token}`;
  const html = (await http(url)).body;
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  return { url, csrf, token: link.token };
}

const promise = (p: { url: string; csrf: string }, date: string, amount: string) => http(`${p.url}/promise`, { form: { csrf: p.csrf, date, amount } });
const pending = async () =>
  (await s.w.db.pool.query<{ amount: string; date: string; recorded_by: string }>(
    `SELECT amount_minor::text AS amount, promised_date::text AS date, recorded_by FROM promises_to_pay WHERE customer_id = $1 AND status = 'pending'`, [s.w.customers.alpha])).rows;

describe('promises from the portal', () => {
  it('refuses a date past the horizon, an amount above the balance and one too large for the money type, changing nothing', async () => {
    const p = await page();
    const before = await rowCounts(s.w, TABLES);
    const refusals = [
      [await promise(p, addDays(today(), 91), '100.00'), 'date'],
      [await promise(p, '9999-12-31', '100.00'), 'date'],
      [await promise(p, addDays(today(), 10), '1000.01'), 'amount'],
      [await promise(p, addDays(today(), 10), '9'.repeat(25)), 'amount'],
      [await promise(p, addDays(today(), 10), '0'), 'amount'],
    ] as const;
    for (const [answer, field] of refusals) {
      expect(answer.status, answer.body.slice(0, 200)).toBe(400);
      expect(answer.type).toMatch(/^text\/html/);
      expect(answer.body).toContain(`Veuillez vérifier le champ : ${field}.`);
    }
    expect(await rowCounts(s.w, TABLES)).toEqual(before);
    // The horizon itself and the whole balance are fine.
    expect((await promise(p, addDays(today(), 90), '1000.00')).status).toBe(303);
  });

  it('keeps one pending promise per customer: a new one replaces the earlier, the same one posted again is not recorded or written back twice', async () => {
    const p = await page();
    const date = addDays(today(), 20);
    expect((await promise(p, date, '300.00')).status).toBe(303);
    const outboxAfterFirst = (await rowCounts(s.w, ['outbox'])).outbox;
    for (let i = 0; i < 3; i++) expect((await promise(p, date, '300.00')).status).toBe(303);
    expect((await rowCounts(s.w, ['outbox'])).outbox).toBe(outboxAfterFirst);
    expect(await pending()).toEqual([{ amount: '30000', date, recorded_by: `portal:${s.w.customers.alpha}` }]);
    expect((await promise(p, addDays(today(), 25), '400.00')).status).toBe(303);
    expect(await pending()).toEqual([{ amount: '40000', date: addDays(today(), 25), recorded_by: `portal:${s.w.customers.alpha}` }]);
    const actors = await s.w.db.pool.query<{ kind: string; actor: string }>(
      `SELECT DISTINCT kind, actor FROM activities WHERE customer_id = $1 AND kind IN ('promise.recorded', 'promise.replaced') ORDER BY kind`, [s.w.customers.alpha]);
    expect(actors.rows).toEqual([
      { kind: 'promise.recorded', actor: `portal:${s.w.customers.alpha}` },
      { kind: 'promise.replaced', actor: `portal:${s.w.customers.alpha}` },
    ]);
  });

  it('limits form posts per link, across forms, with a 429 page', async () => {
    const p = await page(s.w.customers.beta);
    const answers = [];
    for (let i = 0; i < PORTAL_FORM_LIMIT.max + 3; i++) answers.push(await http(`${p.url}/payment-plan`, { form: { csrf: p.csrf, installments: '99' } }));
    expect(answers.slice(0, PORTAL_FORM_LIMIT.max).map((a) => a.status)).toEqual(Array(PORTAL_FORM_LIMIT.max).fill(400));
    expect(answers.slice(PORTAL_FORM_LIMIT.max).map((a) => a.status)).toEqual([429, 429, 429]);
    const limited = answers.at(-1)!;
    expect(limited.type).toMatch(/^text\/html/);
    const before = await rowCounts(s.w, TABLES);
    expect((await promise(p, addDays(today(), 5), '10.00')).status).toBe(429);
    expect(await rowCounts(s.w, TABLES)).toEqual(before);
    // Another link of the same customer is a budget of its own.
    expect((await http(`${(await page(s.w.customers.beta)).url}`)).status).toBe(200);
  });

  it('records a portal dispute as the customer, not as the system', async () => {
    const p = await page(s.w.customers.gamma, s.w.orgB);
    const res = await http(`${p.url}/dispute`, { form: { csrf: p.csrf, invoiceId: s.w.invoices.gamma1, reason: 'never received' } });
    expect(res.status, res.body.slice(0, 200)).toBe(303);
    const { rows } = await s.w.db.pool.query(`SELECT actor FROM activities WHERE kind = 'dispute.opened' AND customer_id = $1`, [s.w.customers.gamma]);
    expect(rows).toEqual([{ actor: `portal:${s.w.customers.gamma}` }]);
  });
});

describe('portal link tokens', () => {
  it('are parsed strictly: another spelling of the same MAC or payload bytes, or trailing junk, does not open the page', async () => {
    const { token } = await page();
    const [v, kid, payload, mac] = token.split('.') as [string, string, string, string];
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last character of a 22-character MAC (16 bytes) carries 4 unused bits, of a 27-character payload 2.
    const respell = (part: string, unused: number) => part.slice(0, -1) + B64[B64.indexOf(part.at(-1)!) ^ (unused === 4 ? 0b0001 : 0b01)]!;
    expect(Buffer.from(respell(mac, 4), 'base64url').equals(Buffer.from(mac, 'base64url'))).toBe(true);
    for (const variant of [
      `${v}.${kid}.${payload}.${respell(mac, 4)}`,
      `${v}.${kid}.${respell(payload, 2)}.${mac}`,
      `${token}==`,
      `${token}.`,
      ` ${token}`,
    ]) {
      const res = await http(`${s.url}/portal/${encodeURIComponent(variant)}`);
      expect(res.status, variant).toBe(404);
    }
    expect((await http(`${s.url}/portal/${token}`)).status).toBe(200);
  });
});
