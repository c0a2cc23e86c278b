/**
 * `relance demo`: the whole product once, end to end, against the local provider simulators —
 * connect, sync, plan the reminders, send them to a local mail catcher, write back, report — and
 * a console user and a customer's portal link to look at it in a browser. Every step is the
 * product's own code path; only the providers and the mail server are local stand-ins.
 */
import { CRM_STREAMS } from '../../connectors/hubspot/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { enqueueCompanyPlans, runCrmSync } from '../../core/crm-control/index.ts';
import type { Provider } from '../../core/connections/index.ts';
import { runOrganization } from '../../core/agenda/index.ts';
import { LetterChannel, SmtpChannel } from '../../core/channels/index.ts';
import { archivingLetters } from '../../core/letters/index.ts';
import { renderMessage, renderWithOverrides } from '../../core/messages/index.ts';
import { agedBalances, agingToJson, dsoReports, formatTenths } from '../../core/reports/index.ts';
import { loadOrganization, loadOrganizationLedgers } from '../../core/reports/store/index.ts';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { runRescore } from '../../core/scoring/index.ts';
import { sendDueActions, type SendDeps } from '../../core/sending/index.ts';
import type { PortalLinkSource } from '../../core/sending/types.ts';
import { runSync } from '../../core/sync/index.ts';
import { pushOutbox } from '../../jobs/outbox.ts';
import { reconcile } from '../../jobs/reconcile.ts';
import type { RunningSandbox } from '../../sandbox/index.ts';
import type { MailCatcher } from '../../sandbox/mail-catcher.ts';
import type { ImapInbox } from '../../sandbox/imap-inbox.ts';
import { inboxThreading } from '../../core/inbox/threading.ts';
import { connectDemoInbox } from './demo-inbox.ts';
import type { KeyRing } from '../../core/crypto.ts';
import type { Store } from '../../core/store/index.ts';
import type { Runtime } from '../runtime.ts';
import { connectSandbox } from './connect-sandbox.ts';
import { demoPortalLink, ensureDemoUser } from './demo-access.ts';
import { approveDemoLetters, ensureDemoSenderAddresses } from './demo-letters.ts';

export interface DemoOptions {
  /** Started by the caller, who closes them (or keeps them serving). */
  sandbox: RunningSandbox;
  mail: MailCatcher;
  asOf: string;
  /** Where the console and portal are (or will be) served: reminders link to it. */
  publicUrl: string;
  /** Progress lines for a person (stderr); silent with --json. */
  say: (line: string) => void;
  /** Where the local letter outbox writes the letters' PDFs (null: kept in the store only). */
  lettersDir?: string | null;
  /** The demo's IMAP inbox, connected as the first organization's shared mailbox (cli/demo/demo-inbox.ts). */
  inbox?: ImapInbox | null;
}

/** FORMATS.md's `relance demo --json` object. */
export interface DemoSummary {
  synced: Record<Provider, Record<string, number>>;
  /** `sentByChannel` (added field): the sent actions by the channel they went out on — email and letter, or
   *  call, task and escalate for the steps a person does (no message; firm-b2b's and gentle's). */
  actions: { planned: number; awaitingApproval: number; sent: number; byStep: Record<string, number>; sentByChannel: Record<string, number> };
  emailsCaught: number;
  writtenBack: Record<Provider, number>;
  reports: { aging: unknown; dso: string | null };
  consoleUrl: string | null;
  portalUrl: string | null;
  /** Added fields (the contract grows only by adding): what did not run, and why. */
  notes: string[];
  /** The console user, admin of the demo's organizations; a new password each run. */
  user: { email: string; password: string };
  /** The customer whose portal `portalUrl` opens. */
  portalCustomer: string | null;
  /** Where the caught reminders can be read (`GET`, JSON) while the demo serves; else null. */
  mailUrl: string | null;
  /** The letters sent to the local outbox and the folder their PDFs are in (added field). */
  letters: { sent: number; awaitingApproval: number; held: number; directory: string | null; approvedByDemo?: { count: number; by: string } };
}

/** The demo's send dependencies: email to the mail catcher, letters to the local outbox (`lettersDir`), each customer's portal link. */
export function demoSendDeps(mail: MailCatcher, portalLinks: PortalLinkSource, workerId: string, lettersDir: string | null = null): SendDeps & { channels: { email: SmtpChannel } } {
  const email = new SmtpChannel({ host: mail.host, port: mail.port, from: { address: 'relances@relance.example', name: 'Relance demo' } });
  const letter = new LetterChannel({ directory: lettersDir });
  return { channels: { email, letter }, render: (input) => renderMessage(input), workerId, portalLinks };
}

// The demo sends at any hour it is run: its organizations accept sends all week, all day.
const ALWAYS = JSON.stringify({ from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });

export async function runDemo(rt: Runtime, opts: DemoOptions): Promise<DemoSummary> {
  const { store, keys } = rt;
  const { sandbox, mail } = opts;
  const notes: string[] = [];
  const earlier = await earlierRun(store);
  const { connections, missing } = await connectSandbox({ pool: store.pool, keys }, sandbox);
  for (const p of missing) notes.push(`${p}: no connector registered yet; not synced`);

  const synced = { quickbooks: {}, xero: {}, hubspot: {} } as DemoSummary['synced'];
  for (const [provider, connection] of Object.entries(connections)) {
    opts.say(`syncing ${provider}…`);
    synced[provider as Provider] = await syncSandboxConnection(rt, provider as Provider, connection.id, opts.asOf);
  }

  // The accounting organization first: its reports and its customer's portal link are the ones shown.
  const first = connections.quickbooks?.organizationId;
  const organizationIds = [...new Set([...(first ? [first] : []), ...Object.values(connections).map((c) => c.organizationId)])];
  const byStep: Record<string, number> = {};
  for (const organizationId of organizationIds) {
    await installDefaultScenarios(store.db, organizationId);
    await store.pool.query('UPDATE organizations SET sending_hours = $2::jsonb WHERE id = $1', [organizationId, ALWAYS]);
    // The import done, every payer is scored, as the daily rescoring does before the morning run:
    // the worklist shows each risk class and the run picks scenarios by it (firm-b2b, gentle).
    opts.say('scoring payers…');
    await runRescore(store.db, organizationId, opts.asOf);
    opts.say('planning reminders…');
    await runOrganization(store.db, { organizationId, asOf: opts.asOf });
  }

  // The formal-notice letters need a person's approval: the demo's admin gives it, audited (demo-letters.ts).
  const user = await ensureDemoUser(store.db, organizationIds);
  const senders = await ensureDemoSenderAddresses(store.db, organizationIds);
  if (senders.length) notes.push(`letters: ${senders.join(', ')} had no sender address from its source: the demo gave ${senders.length === 1 ? 'it' : 'each'} one, editable in the console's settings`);
  const approvals = await approveDemoLetters(store.db, organizationIds, user);
  // Replies come back: the first organization's shared mailbox is the demo inbox, reminders carry its reply address.
  if (opts.inbox && organizationIds[0]) await connectDemoInbox(store.db, keys, organizationIds[0], opts.inbox);

  opts.say('sending reminders to the local mail catcher…');
  const caughtBefore = mail.messages.length;
  const base = demoSendDeps(mail, { keys, publicUrl: opts.publicUrl }, `demo-${process.pid}`, opts.lettersDir ?? null);
  // As the send job does it: the store's context in each message, each sent letter's PDF kept with its action.
  const deps = { ...base, channels: archivingLetters(store.db, base.channels), render: renderWithOverrides(store.db, base.render), threading: inboxThreading(store.db) };
  try {
    for (;;) {
      const pass = await sendDueActions(store.db, deps, { limit: 200 });
      if (pass.claimed === 0) break;
    }
  } finally {
    await deps.channels.email.close();
  }

  // Issue 13.9: each CRM company's next planned action and portal link, once the sends are done.
  for (const organizationId of organizationIds) await enqueueCompanyPlans(store.db, organizationId, { keys, publicUrl: opts.publicUrl });
  opts.say('writing back to the providers…');
  await pushOutbox({ store, keys });
  const actions = await countActions(rt, organizationIds, byStep);
  const writtenBack = { quickbooks: 0, xero: 0, hubspot: 0 } as Record<Provider, number>;
  for (const provider of ['quickbooks', 'xero', 'hubspot'] as const) writtenBack[provider] = sandbox.controls[provider].writtenBack().length;

  // A re-run on the same data: say what was found, rather than a bare "0 emails".
  if (earlier.customers > 0) {
    const caught = mail.messages.length - caughtBefore;
    notes.push(`this data already held ${earlier.customers} customers and ${earlier.sent} reminders sent by an earlier run; ` +
      `this run synced the changes, sent the ${caught} reminder${caught === 1 ? '' : 's'} newly due and left ${actions.awaitingApproval} awaiting approval` +
      (caught === 0 ? ' (a reminder is never sent twice: the earlier ones are on each customer\'s timeline in the console)' : ''));
  }
  const reports = organizationIds[0] ? await organizationReports(rt, organizationIds[0], opts.asOf) : { aging: null, dso: null };
  const portal = await demoPortalLink(store.db, keys, { organizationIds, asOf: opts.asOf, publicUrl: opts.publicUrl });
  return {
    synced, actions, emailsCaught: mail.messages.length - caughtBefore, writtenBack, reports,
    consoleUrl: new URL('/console/', opts.publicUrl).toString(), portalUrl: portal?.url ?? null, notes,
    user: { email: user.email, password: user.password }, portalCustomer: portal?.customerName ?? null, mailUrl: mail.webUrl,
    letters: { ...(await countLetters(rt, organizationIds)), directory: opts.lettersDir ?? null, approvedByDemo: { count: approvals.approved, by: approvals.by } },
  };
}

/**
 * A full sync of one connection, then what follows it: for HubSpot the CRM's own records
 * (companies, deals) and matching them to the accounting customers, for an accounting system the
 * reconciliation. Returns the records written per entity.
 */
export async function syncSandboxConnection(rt: { store: Pick<Store, 'pool' | 'db'>; keys: KeyRing }, provider: Provider, connectionId: string, asOf: string): Promise<Record<string, number>> {
  const { store, keys } = rt;
  const report = await runSync({ store, keys, connectorFor }, connectionId, { full: true });
  const counts: Record<string, number> = {};
  for (const stream of Object.values(report.streams)) {
    for (const [entity, n] of Object.entries(stream.written)) counts[entity] = (counts[entity] ?? 0) + (n ?? 0);
  }
  if (provider === 'hubspot') {
    const crm = await runCrmSync({ store, keys, connectorFor }, connectionId, { streams: CRM_STREAMS, full: true });
    for (const [stream, r] of Object.entries(crm.streams)) if (r.written) counts[stream] = (counts[stream] ?? 0) + r.written;
  } else {
    await reconcile({ store, keys }, connectionId, { asOf });
  }
  return counts;
}

async function countActions(rt: Runtime, organizationIds: string[], byStep: Record<string, number>): Promise<DemoSummary['actions']> {
  const { rows } = await rt.store.pool.query<{ status: string; scenario: string | null; step: number; n: number }>(
    `SELECT a.status, s.name AS scenario, a.step AS step, count(*)::int AS n
       FROM actions a LEFT JOIN scenarios s ON s.id = a.scenario_id
      WHERE a.organization_id = ANY($1::uuid[])
      GROUP BY 1, 2, 3`,
    [organizationIds],
  );
  const out = { planned: 0, awaitingApproval: 0, sent: 0, byStep, sentByChannel: {} as Record<string, number> };
  // The channel a message went out on (a recipient fallback may differ from the step's), else the step's.
  const { rows: channels } = await rt.store.pool.query<{ channel: string; n: number }>(
    `SELECT coalesce(m.channel::text, a.channel::text) AS channel, count(*)::int AS n
       FROM actions a LEFT JOIN sent_messages m ON m.action_id = a.id
      WHERE a.organization_id = ANY($1::uuid[]) AND a.status = 'sent' GROUP BY 1 ORDER BY 1`,
    [organizationIds],
  );
  for (const r of channels) out.sentByChannel[r.channel] = r.n;
  for (const r of rows) {
    if (r.status === 'planned') out.planned += r.n;
    if (r.status === 'awaiting_approval') out.awaitingApproval += r.n;
    if (r.status === 'sent') out.sent += r.n;
    const key = `${r.scenario ?? 'none'}#${r.step}`;
    byStep[key] = (byStep[key] ?? 0) + r.n;
  }
  return out;
}

async function countLetters(rt: Runtime, organizationIds: string[]): Promise<{ sent: number; awaitingApproval: number; held: number }> {
  const { rows } = await rt.store.pool.query<{ sent: number; awaitingApproval: number; held: number }>(
    `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status = 'awaiting_approval')::int AS "awaitingApproval",
            count(*) FILTER (WHERE details ? 'holdReason' AND status = 'awaiting_approval')::int AS held
       FROM actions WHERE organization_id = ANY($1::uuid[]) AND channel = 'letter'`,
    [organizationIds],
  );
  return rows[0] ?? { sent: 0, awaitingApproval: 0, held: 0 };
}

async function organizationReports(rt: Runtime, organizationId: string, asOf: string): Promise<DemoSummary['reports']> {
  const organization = await loadOrganization(rt.store.db, organizationId);
  const customers = await loadOrganizationLedgers(rt.store.db, organizationId);
  if (customers.length === 0) return { aging: null, dso: null };
  const aging = agingToJson(agedBalances(customers, organization, asOf));
  const [dso] = dsoReports(customers, organization, asOf, 90);
  return { aging, dso: dso && dso.dsoTenths !== null ? formatTenths(dso.dsoTenths) : null };
}

/** What a data directory already holds before this run: customers, and reminders sent by an earlier run. */
async function earlierRun(store: Pick<Store, 'pool'>): Promise<{ customers: number; sent: number }> {
  const { rows } = await store.pool.query<{ customers: number; sent: number }>(
    `SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM actions WHERE status = 'sent')::int AS sent`);
  return rows[0] ?? { customers: 0, sent: 0 };
}
