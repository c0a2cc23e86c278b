/**
 * The sync's reliability trial under kills (issue 14 item 2), shared by the short CI version
 * (test/reliability/sync-kills.test.ts) and the long one (bench/reliability/sync-kills.ts): a real
 * `relance sync` process lists a ledger from scratch while the trial records payments (a payment
 * created, its invoice and customer changed), edits invoices and deletes (QuickBooks) or voids
 * (Xero) them at the provider; the sync is killed with SIGKILL at random points — a random number of
 * committed pages plus a random delay, so mid-page, mid-commit and between streams alike — and started
 * again. Then the changes stop, the sync is resumed once to its end, and the store is compared with
 * what the provider's own API lists, record by record, by version (QuickBooks
 * `MetaData.LastUpdatedTime`, Xero `UpdatedDateUTC`):
 * - missing: listed by the provider, absent from the store (a row skipped by a listing);
 * - stale: in the store at an older version (a change missed);
 * - ghost: live in the store, deleted at the provider (a deletion missed).
 * Xero has no change feed to close a listing with: a resumed Xero run is closed by a run from the
 * watermark it leaves (`If-Modified-Since` no later than Xero's clock when the killed run began),
 * which brings what changed on pages the killed runs had already read. HubSpot (its contacts, the
 * ledger stream `relance sync` reads) is searched in `lastmodifieddate` order: an edit moves a
 * record behind the walk, where the resumed walk reads it. All three are compared after the
 * resumed sync, and optionally after one more (the periodic sync's).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { RunningSandbox } from '../../sandbox/index.ts';
import type { Store } from '../../core/store/index.ts';
import { createConnection, ensureOrganization } from '../../core/connections/index.ts';
import { connectSandbox } from '../e2e/quickbooks-support.ts';
import { connectXero, simulatorList, type RunningXero } from '../connectors/xero/sandbox-support.ts';
import { ROOT } from '../support/cli.ts';
import { keySpec, ring } from '../sync/support.ts';

export interface Diff {
  missing: number;
  stale: number;
  ghost: number;
}

export interface SyncTrialCounts {
  provider: 'quickbooks' | 'xero' | 'hubspot';
  kills: number;
  /** Syncs that ended by themselves before their planned kill (the listing was over). */
  endedBeforeKill: number;
  mutations: { payments: number; edits: number; deletes: number; creates: number; refused: number };
  afterResume: Diff;
  /** After one more sync (the periodic one); null when not run. */
  afterNext: Diff | null;
  seconds: number;
  /** A few of the differences, to debug a failure. */
  examples: string[];
}

type Versions = Map<string, Map<string, string>>;

interface Ledger {
  provider: 'quickbooks' | 'xero' | 'hubspot';
  connectionId: string;
  /** One random change at the provider; its kind, or 'refused'. */
  mutate(random: () => number): Promise<'payments' | 'edits' | 'deletes' | 'creates' | 'refused'>;
  /** Live records' versions per table, as the provider's API lists them. */
  source(): Promise<Versions>;
  /** Store rows per table: live ones with their version. */
  stored(store: Pick<Store, 'pool'>): Promise<Versions>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

// ---------------------------------------------------------------- QuickBooks

async function qboQuery(sandbox: RunningSandbox, query: string): Promise<Record<string, unknown>> {
  const qb = sandbox.quickbooks;
  const url = new URL(`${qb.baseUrl}/v3/company/${qb.realmId}/query`);
  url.searchParams.set('query', query);
  url.searchParams.set('minorversion', '75');
  const response = await fetch(url, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
  if (!response.ok) throw new Error(`sandbox query ${query}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { QueryResponse: Record<string, unknown> }).QueryResponse;
}

/** Every record of `entity` (keyset pages of 1000, as the connector lists), id → LastUpdatedTime. */
export async function qboListing(sandbox: RunningSandbox, entity: string, where = ''): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (let after = 0; ;) {
    const page = ((await qboQuery(sandbox, `select * from ${entity} where ${where}Id > '${after}' orderby Id maxresults 1000`))[entity] as Record<string, unknown>[] | undefined) ?? [];
    for (const r of page) out.set(String(r.Id), r);
    if (page.length < 1000) return out;
    after = Number(page.at(-1)!.Id);
  }
}

export const qboVersion = (r: Record<string, unknown>) => String((r.MetaData as { LastUpdatedTime?: unknown } | undefined)?.LastUpdatedTime);

export async function quickbooksLedger(store: Pick<Store, 'pool'>, sandbox: RunningSandbox, name: string): Promise<Ledger> {
  const connectionId = await connectSandbox(store, ring, sandbox, name);
  const control = sandbox.controls.quickbooks;
  const invoiceIds = [...(await qboListing(sandbox, 'Invoice')).keys()];
  const gone = new Set<string>();
  return {
    provider: 'quickbooks',
    connectionId,
    async mutate(random) {
      const live = invoiceIds.filter((id) => !gone.has(id));
      const id = pick(live, random);
      const roll = random();
      try {
        if (roll < 0.4) {
          const [inv] = ((await qboQuery(sandbox, `select * from Invoice where Id = '${id}'`)).Invoice as Record<string, unknown>[] | undefined) ?? [];
          const balance = Math.round(Number(inv?.Balance ?? 0) * 100);
          if (!inv || balance <= 0) return 'refused';
          const amount = random() < 0.5 ? balance : Math.max(1, Math.floor(balance / 2));
          await control.recordPayment({ customerId: String((inv.CustomerRef as { value: string }).value), amountMinor: amount, date: '2026-03-01', allocations: [{ invoiceId: id, amountMinor: amount }] });
          return 'payments';
        }
        if (roll < 0.75) {
          await control.editRecord('Invoice', id, { PrivateNote: `trial edit ${Math.floor(random() * 1e9)}` });
          return 'edits';
        }
        gone.add(id);
        await control.editRecord('Invoice', id, { status: 'Deleted' });
        return 'deletes';
      } catch {
        return 'refused';
      }
    },
    async source() {
      const out: Versions = new Map();
      for (const [table, entity, where] of [['customers', 'Customer', 'Active IN (true, false) AND '], ['invoices', 'Invoice', ''], ['payments', 'Payment', '']] as const) {
        const listed = await qboListing(sandbox, entity, where);
        out.set(table, new Map([...listed].map(([id, r]) => [id, qboVersion(r)])));
      }
      return out;
    },
    async stored(db) {
      const out: Versions = new Map();
      for (const table of ['customers', 'invoices', 'payments']) {
        const { rows } = await db.pool.query<{ id: string; v: string }>(
          `SELECT external_id AS id, raw->'MetaData'->>'LastUpdatedTime' AS v FROM ${table}
            WHERE connection_id = $1 AND coalesce(raw->>'status', '') <> 'Deleted'`, [connectionId]);
        out.set(table, new Map(rows.map((r) => [r.id, r.v])));
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------- Xero

export async function xeroLedger(store: Pick<Store, 'pool'>, xero: RunningXero, name: string): Promise<Ledger> {
  const connectionId = await connectXero(store, ring, xero, name);
  const control = xero.sim.control;
  // The list is read again every 25 changes: reading the whole collection for each one would
  // starve the sync being tried. A stale entry makes a refused change, counted as such.
  let cached: Record<string, unknown>[] = [];
  let uses = 0;
  return {
    provider: 'xero',
    connectionId,
    async mutate(random) {
      if (uses++ % 25 === 0) cached = (await simulatorList(xero, 'Invoices', 'Type=="ACCREC"')).filter((i) => i.Status === 'AUTHORISED');
      const invoices = cached;
      if (invoices.length === 0) return 'refused';
      const inv = pick(invoices, random);
      const id = String(inv.InvoiceID);
      const roll = random();
      try {
        if (roll < 0.4) {
          const due = Math.round(Number(inv.AmountDue) * 100);
          if (due <= 0) return 'refused';
          const amount = random() < 0.5 ? due : Math.max(1, Math.floor(due / 2));
          await control.recordPayment({ customerId: String((inv.Contact as { ContactID: string }).ContactID), amountMinor: amount, date: '2026-03-01', allocations: [{ invoiceId: id, amountMinor: amount }] });
          return 'payments';
        }
        if (roll < 0.75) {
          await control.editRecord('invoice', id, { Reference: `trial edit ${Math.floor(random() * 1e9)}` });
          return 'edits';
        }
        if (Number(inv.AmountPaid ?? 0) > 0 || Number(inv.AmountCredited ?? 0) > 0) return 'refused';
        await control.editRecord('invoice', id, { Status: 'VOIDED' });
        return 'deletes';
      } catch {
        return 'refused';
      }
    },
    async source() {
      const out: Versions = new Map();
      const version = (r: Record<string, unknown>) => String(r.UpdatedDateUTC);
      out.set('invoices', new Map((await simulatorList(xero, 'Invoices', 'Type=="ACCREC"')).map((r) => [String(r.InvoiceID), version(r)])));
      out.set('payments', new Map((await simulatorList(xero, 'Payments', 'PaymentType=="ACCRECPAYMENT"')).map((r) => [String(r.PaymentID), version(r)])));
      return out;
    },
    async stored(db) {
      const out: Versions = new Map();
      const { rows: inv } = await db.pool.query<{ id: string; v: string }>("SELECT external_id AS id, raw->>'UpdatedDateUTC' AS v FROM invoices WHERE connection_id = $1", [connectionId]);
      out.set('invoices', new Map(inv.map((r) => [r.id, r.v])));
      const { rows: pay } = await db.pool.query<{ id: string; v: string }>("SELECT external_id AS id, raw->>'UpdatedDateUTC' AS v FROM payments WHERE connection_id = $1 AND raw ? 'PaymentID'", [connectionId]);
      out.set('payments', new Map(pay.map((r) => [r.id, r.v])));
      return out;
    },
  };
}

// ---------------------------------------------------------------- HubSpot

async function hubspotApi(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const h = sandbox.hubspot;
  const response = await fetch(`${h.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.accessToken}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`hubspot ${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Every live contact (list pages of 100, by id), id → `lastmodifieddate`. */
export async function hubspotContacts(sandbox: RunningSandbox): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let after: string | null = null; ;) {
    const page = await hubspotApi(sandbox, 'GET', `/crm/v3/objects/contacts?limit=100&properties=lastmodifieddate${after ? `&after=${after}` : ''}`);
    for (const r of page.results as { id: string; properties: Record<string, string | null> }[]) out.set(r.id, String(r.properties.lastmodifieddate));
    after = (page.paging as { next?: { after?: string } } | undefined)?.next?.after ?? null;
    if (after === null) return out;
  }
}

/**
 * The HubSpot contacts a `relance sync` of the connection reads (its ledger stream): searched on
 * `lastmodifieddate` ascending, so an edit moves a record behind the walk's position, where a
 * resumed walk reads it again. Changes: contacts edited and created (the portal API deletes
 * nothing in the sandbox, and a search lists no archived record: deletions are the webhooks' and
 * the CRM pull's, not this trial's).
 */
export async function hubspotLedger(store: Pick<Store, 'pool'>, sandbox: RunningSandbox, name: string): Promise<Ledger> {
  const h = sandbox.hubspot;
  const organizationId = await ensureOrganization(store.pool, { name, baseCurrency: 'USD', country: 'US' });
  const connection = await createConnection(store.pool, ring, {
    organizationId,
    provider: 'hubspot',
    displayName: name,
    settings: { accountId: h.portalId!, clientId: h.clientId!, clientSecret: h.clientSecret!, baseUrl: h.baseUrl, tokenUrl: `${h.baseUrl}/oauth/v1/token`, webhookKey: h.clientSecret! },
    // The private-app token: a static bearer, stored as one that does not expire for a year.
    tokens: { accessToken: h.accessToken!, refreshToken: 'private-app', expiresAt: new Date(Date.now() + 365 * 86_400_000) },
  });
  const ids = [...(await hubspotContacts(sandbox)).keys()];
  const control = sandbox.controls.hubspot;
  return {
    provider: 'hubspot',
    connectionId: connection.id,
    async mutate(random) {
      try {
        if (random() < 0.75) {
          await control.editRecord('contact', pick(ids, random), { phone: `+1 555 ${String(Math.floor(random() * 1e7)).padStart(7, '0')}` });
          return 'edits';
        }
        const n = Math.floor(random() * 1e9);
        const created = await hubspotApi(sandbox, 'POST', '/crm/v3/objects/contacts', { properties: { firstname: 'Trial', lastname: `Contact ${n}`, email: `trial-${n}@example.com` } });
        ids.push(String(created.id));
        return 'creates';
      } catch {
        return 'refused';
      }
    },
    async source() {
      return new Map([['contacts', await hubspotContacts(sandbox)]]);
    },
    async stored(db) {
      const { rows } = await db.pool.query<{ id: string; v: string }>(
        `SELECT external_id AS id, raw->'properties'->>'lastmodifieddate' AS v FROM contacts WHERE connection_id = $1
          UNION ALL
         SELECT external_id, raw->'properties'->>'lastmodifieddate' FROM rejected_records WHERE connection_id = $1 AND entity = 'contact'`, [connection.id]);
      return new Map([['contacts', new Map(rows.map((r) => [r.id, r.v]))]]);
    },
  };
}

// ---------------------------------------------------------------- the trial

function compare(source: Versions, stored: Versions, examples: string[]): Diff {
  const diff: Diff = { missing: 0, stale: 0, ghost: 0 };
  for (const [table, want] of source) {
    const have = stored.get(table) ?? new Map<string, string>();
    for (const [id, v] of want) {
      const got = have.get(id);
      if (got === undefined) {
        diff.missing++;
        if (examples.length < 8) examples.push(`${table} ${id} missing`);
      } else if (got !== v) {
        diff.stale++;
        if (examples.length < 8) examples.push(`${table} ${id} stale: store ${got}, source ${v}`);
      }
    }
    for (const id of have.keys()) {
      if (!want.has(id)) {
        diff.ghost++;
        if (examples.length < 8) examples.push(`${table} ${id} live in the store, deleted at the source`);
      }
    }
  }
  return diff;
}

interface SyncRun {
  killed: boolean;
  code: number | null;
  stderr: string;
}

/** One `relance sync` process; killed after `killAfterPages` progress lines and `delayMs`, or run to its end (null). */
function runSyncProcess(databaseUrl: string, connectionId: string, kill: { pages: number; delayMs: number } | null): Promise<SyncRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, RELANCE_SECRET_KEY: keySpec };
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/relance.js'), 'sync', connectionId], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let armed = false;
  return new Promise((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (kill && !armed && (stderr.match(/^\w+: \d+ records/gm) ?? []).length >= kill.pages) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), kill.delayMs);
      }
    });
    child.on('exit', (code, signal) => resolve({ killed: signal === 'SIGKILL', code, stderr }));
  });
}

export interface SyncTrialOptions {
  db: Pick<Store, 'pool'>;
  databaseUrl: string;
  ledger: Ledger;
  kills: number;
  /** Upper bound of the random number of committed pages before a kill is armed. */
  maxPagesBeforeKill?: number;
  /** Upper bound of the random delay from arming to the kill, ms (400 unless said). */
  maxKillDelayMs?: number;
  /** Also compare after one more sync (required for Xero, see the file comment). */
  nextSync?: boolean;
  random?: () => number;
}

export async function runSyncTrial(o: SyncTrialOptions): Promise<SyncTrialCounts> {
  const random = o.random ?? Math.random;
  const started = Date.now();
  const mutations = { payments: 0, edits: 0, deletes: 0, creates: 0, refused: 0 };
  let changing = true;
  const changer = (async () => {
    while (changing) {
      mutations[await o.ledger.mutate(random)]++;
      await sleep(10 + random() * 60);
    }
  })();
  let kills = 0;
  let endedBeforeKill = 0;
  try {
    // Once the listing is over the syncs are short incremental ones that may end before a kill:
    // the attempts are bounded.
    for (let attempt = 0; kills < o.kills && attempt < o.kills * 3; attempt++) {
      const run = await runSyncProcess(o.databaseUrl, o.ledger.connectionId, { pages: 1 + Math.floor(random() * (o.maxPagesBeforeKill ?? 6)), delayMs: Math.floor(random() * (o.maxKillDelayMs ?? 400)) });
      if (run.killed) kills++;
      else if (run.code === 0) endedBeforeKill++;
      else throw new Error(`sync failed (${run.code}): ${run.stderr.slice(-1500)}`);
    }
  } finally {
    changing = false;
    await changer;
  }
  const resumed = await runSyncProcess(o.databaseUrl, o.ledger.connectionId, null);
  if (resumed.code !== 0) throw new Error(`resumed sync failed (${resumed.code}): ${resumed.stderr.slice(-1500)}`);
  const examples: string[] = [];
  const source = await o.ledger.source();
  const afterResume = compare(source, await o.ledger.stored(o.db), examples);
  let afterNext: Diff | null = null;
  if (o.nextSync) {
    const next = await runSyncProcess(o.databaseUrl, o.ledger.connectionId, null);
    if (next.code !== 0) throw new Error(`next sync failed (${next.code}): ${next.stderr.slice(-1500)}`);
    afterNext = compare(source, await o.ledger.stored(o.db), o.ledger.provider === 'xero' ? examples : []);
  }
  return { provider: o.ledger.provider, kills, endedBeforeKill, mutations, afterResume, afterNext, seconds: Math.round((Date.now() - started) / 100) / 10, examples };
}
