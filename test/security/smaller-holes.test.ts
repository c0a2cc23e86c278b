/**
 * The smaller holes, each attacked over HTTP (or through the CLI): an assigned-only collector
 * reading other customers' write-backs and connection errors, audit actors that were not the real
 * actor, a scenario PUT validating the body of someone with no right to send it, `simulate` with a
 * date out of range or a byte-order mark; and a battery of malformed requests that must each be a
 * 4xx JSON refusal and change no row.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../dunning/run-cli.ts';
import { http, isJsonRefusal, rowCounts, serveWorld, type Served } from './support.ts';

let s: Served;
const rows: Record<'alpha' | 'beta', string> = { alpha: '', beta: '' };
beforeAll(async () => {
  s = await serveWorld();
  for (const [who, externalId] of [['alpha', 'INV-C-ALPHA'], ['beta', 'INV-C-BETA']] as const) {
    const { rows: r } = await s.w.db.pool.query<{ id: string }>(
      `INSERT INTO outbox (organization_id, connection_id, kind, entity, external_id, payload, idempotency_key, status, attempts, last_error)
       VALUES ($1, $2, 'invoice_note', 'invoice', $3, '{}'::jsonb, $4, 'parked', 5, $5) RETURNING id`,
      [s.w.orgA, s.w.connA, externalId, `test:${externalId}`, { message: `note refused for ${externalId}` }],
    );
    rows[who] = r[0]!.id;
  }
  await s.w.db.pool.query(`UPDATE connections SET last_error = $2 WHERE id = $1`, [s.w.connA, { message: 'Invoice INV-C-BETA of Beta SAS: stale object' }]);
}, 60_000);
afterAll(() => s?.close());

const api = (p: string) => `${s.url}/api/organizations/${s.w.orgA}${p}`;

describe('an assigned-only collector', () => {
  it("sees only their customers' outbox rows, retries only those, and no connection errors", async () => {
    const mine = await http(api('/outbox'), { headers: s.w.as('restrictedA') });
    expect(mine.status).toBe(200);
    expect((mine.json().parked as { id: string }[]).map((r) => r.id)).toEqual([rows.alpha]);
    expect(mine.json().counts).toMatchObject({ parked: 1 });
    expect(mine.body).not.toContain('INV-C-BETA');
    const all = await http(api('/outbox'), { headers: s.w.as('collectorA') });
    expect((all.json().parked as { id: string }[]).map((r) => r.id).sort()).toEqual([rows.alpha, rows.beta].sort());

    const foreign = await http(api(`/outbox/${rows.beta}/retry`), { method: 'POST', headers: s.w.as('restrictedA') });
    expect(foreign.status).toBe(404);
    expect(isJsonRefusal(foreign)).toBe(true);
    const status = await s.w.db.pool.query('SELECT status::text FROM outbox WHERE id = $1', [rows.beta]);
    expect(status.rows[0].status).toBe('parked');

    for (const url of [api('/connections'), api(`/connections/${s.w.connA}`)]) {
      const res = await http(url, { headers: s.w.as('restrictedA') });
      expect(res.status).toBe(200);
      expect(res.body).not.toContain('Beta SAS');
    }
    expect((await http(api(`/connections/${s.w.connA}`), { headers: s.w.as('collectorA') })).body).toContain('Beta SAS');
  });
});

describe('audit actors', () => {
  it('are the real user for a promise recorded through the API, never user:user:', async () => {
    const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const res = await http(api(`/customers/${s.w.customers.beta}/promises`), { body: { amount: '10.00', date }, headers: s.w.as('collectorA') });
    expect(res.status, res.body).toBe(201);
    const { rows: r } = await s.w.db.pool.query(`SELECT actor FROM activities WHERE kind = 'promise.recorded' AND customer_id = $1`, [s.w.customers.beta]);
    expect(r).toEqual([{ actor: `user:${s.w.users.collectorA.id}` }]);
  });
});

describe('a scenario PUT', () => {
  it('checks the right before reading the body: a viewer gets 403 whatever they send', async () => {
    for (const body of ['{"steps":', '{"nonsense":true}', '[]']) {
      const res = await http(api('/scenarios/probe'), { method: 'PUT', body, headers: s.w.as('viewerA') });
      // Unparseable JSON is refused by the HTTP layer before any route; a parsed body never reaches validation.
      if (body.endsWith(':')) expect(res.status).toBe(400);
      else expect(res.status, body).toBe(403);
      expect(isJsonRefusal(res)).toBe(true);
    }
  });
});

describe('relance simulate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'relance-simulate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const example = readFileSync(path.resolve(import.meta.dirname, '../fixtures/ledgers/formats-example.json'), 'utf8');

  it('names the field of a date out of range', async () => {
    const ledger = JSON.parse(example) as { invoices: { dueDate: string; issueDate: string }[] };
    ledger.invoices[0]!.issueDate = '9999-12-01';
    ledger.invoices[0]!.dueDate = '9999-12-31';
    const file = path.join(dir, 'far.json');
    writeFileSync(file, JSON.stringify(ledger));
    const res = await runCli(['simulate', '--input', file, '--as-of', '2026-03-01']);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/invoices\[0\]\.issueDate: must be a date from 1900-01-01 to 2999-12-31/);
    const asOf = await runCli(['simulate', '--input', file, '--as-of', '9999-12-31']);
    expect(asOf.stderr).toMatch(/--as-of/);
  }, 60_000);

  it('reads a ledger saved with a UTF-8 byte-order mark', async () => {
    const file = path.join(dir, 'bom.json');
    writeFileSync(file, `\ufeff${example}`);
    const res = await runCli(['simulate', '--input', file, '--as-of', '2026-03-01']);
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).asOf).toBe('2026-03-01');
  }, 60_000);
});

describe('malformed requests', () => {
  const TABLES = ['promises_to_pay', 'outbox', 'activities', 'disputes', 'memberships', 'users', 'api_keys', 'template_overrides', 'scenarios', 'portal_tokens', 'rate_limits'];

  it('each get a 4xx JSON refusal and change nothing', async () => {
    const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const attempts: [string, Parameters<typeof http>[1]][] = [
      [api(`/customers/${s.w.customers.alpha}/promises`), { body: { amount: '9'.repeat(30), date }, headers: s.w.as('collectorA') }],
      [api(`/customers/${s.w.customers.alpha}/promises`), { body: { amount: '10.00', date: '2026-02-30' }, headers: s.w.as('collectorA') }],
      [api(`/customers/not-a-uuid/promises`), { body: { amount: '10.00', date }, headers: s.w.as('collectorA') }],
      [api('/disputes'), { body: { invoiceIds: [s.w.invoices.gamma1], reason: 'cross-tenant' }, headers: s.w.as('collectorA') }],
      [api('/members'), { body: { email: 'x@a.example', role: 'owner' }, headers: s.w.as('adminA') }],
      [api('/templates/email/reminder-1/en'), { method: 'PUT', body: { source: '<mjml><mj-body><mj-include path="/etc/hostname" type="html"/></mj-body></mjml>' }, headers: s.w.as('adminA') }],
      [api('/scenarios/x'), { method: 'PUT', body: { steps: 'many' }, headers: s.w.as('adminA') }],
      [`${s.url}/api/me/api-keys`, { body: { name: 'k' }, headers: s.w.as('adminA') }],
      [`${s.url}/api/auth/login`, { body: { email: 'a'.repeat(300), password: 'x' } }],
      [`${s.url}/api/me/password`, { body: { currentPassword: 'x', newPassword: 'y' }, headers: s.w.as('adminA') }],
      [`${s.url}/oauth/quickbooks/callback?code=c&state=${'A'.repeat(40)}`, {}],
      [`${s.url}/console/export?format=xlsx`, { body: { name: 'x', columns: [], rows: [] }, headers: s.w.as('viewerA') }],
    ];
    const before = await rowCounts(s.w, TABLES);
    for (const [url, init] of attempts) {
      const res = await http(url, init);
      expect(isJsonRefusal(res), `${url} → ${res.status} ${res.body.slice(0, 200)}`).toBe(true);
    }
    const after = await rowCounts(s.w, TABLES);
    // The failed logins above are counted (that is the point of the limiter), nothing else moves.
    expect({ ...after, rate_limits: before.rate_limits }).toEqual(before);
  });
});
