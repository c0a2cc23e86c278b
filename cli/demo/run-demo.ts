/**
 * `relance demo`: the whole product once, end to end, against the local provider simulators —
 * connect, sync, plan the reminders, send them to a local mail catcher, write back, report. Every step
 * is the product's own code path; only the providers and the mail server are local stand-ins.
 */
import { CRM_STREAMS } from '../../connectors/hubspot/index.ts';
import { connectorFor } from '../../connectors/index.ts';
import { runCrmSync } from '../../core/crm-control/index.ts';
import type { Provider } from '../../core/connections/index.ts';
import { runOrganization } from '../../core/agenda/index.ts';
import { SmtpChannel } from '../../core/channels/index.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { agedBalances, agingToJson, dsoReports, formatTenths } from '../../core/reports/index.ts';
import { loadOrganization, loadOrganizationLedgers } from '../../core/reports/store/index.ts';
import { installDefaultScenarios } from '../../core/scenarios/index.ts';
import { sendDueActions } from '../../core/sending/index.ts';
import { runSync } from '../../core/sync/index.ts';
import { pushOutbox } from '../../jobs/outbox.ts';
import { reconcile } from '../../jobs/reconcile.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { startMailCatcher, type MailCatcher } from '../../sandbox/mail-catcher.ts';
import type { Runtime } from '../runtime.ts';
import { connectSandbox } from './connect-sandbox.ts';

export interface DemoOptions {
  seed: number;
  invoices: number;
  asOf: string;
  /** Progress lines for a person (stderr); silent with --json. */
  say: (line: string) => void;
}

/** FORMATS.md's `relance demo --json` object. */
export interface DemoSummary {
  synced: Record<Provider, Record<string, number>>;
  actions: { planned: number; awaitingApproval: number; sent: number; byStep: Record<string, number> };
  emailsCaught: number;
  writtenBack: Record<Provider, number>;
  reports: { aging: unknown; dso: string | null };
  consoleUrl: string | null;
  portalUrl: string | null;
  /** Added fields (the contract grows only by adding): what did not run, and why. */
  notes: string[];
}

// The demo sends at any hour it is run: its organizations accept sends all week, all day.
const ALWAYS = JSON.stringify({ from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });

export async function runDemo(rt: Runtime, opts: DemoOptions): Promise<DemoSummary> {
  const { store, keys } = rt;
  const notes: string[] = [];
  let sandbox: RunningSandbox | null = null;
  let mail: MailCatcher | null = null;
  try {
    opts.say(`starting the provider simulators (seed ${opts.seed}, ${opts.invoices} invoices per ledger)…`);
    sandbox = await startSandbox({ seed: opts.seed, invoices: opts.invoices, asOf: opts.asOf, port: 0, limits: false });
    mail = await startMailCatcher();
    const { connections, missing } = await connectSandbox({ pool: store.pool, keys }, sandbox);
    for (const p of missing) notes.push(`${p}: no connector registered yet; not synced`);

    const synced = { quickbooks: {}, xero: {}, hubspot: {} } as DemoSummary['synced'];
    for (const [provider, connection] of Object.entries(connections)) {
      opts.say(`syncing ${provider}…`);
      const report = await runSync({ store, keys, connectorFor }, connection.id, { full: true });
      const counts: Record<string, number> = {};
      for (const stream of Object.values(report.streams)) {
        for (const [entity, n] of Object.entries(stream.written)) counts[entity] = (counts[entity] ?? 0) + (n ?? 0);
      }
      if (provider === 'hubspot') {
        // The CRM's own records (companies, deals), then matching them to the accounting customers.
        const crm = await runCrmSync({ store, keys, connectorFor }, connection.id, { streams: CRM_STREAMS, full: true });
        for (const [stream, r] of Object.entries(crm.streams)) if (r.written) counts[stream] = (counts[stream] ?? 0) + r.written;
      } else {
        await reconcile({ store, keys }, connection.id, { asOf: opts.asOf });
      }
      synced[provider as Provider] = counts;
    }

    const organizationIds = [...new Set(Object.values(connections).map((c) => c.organizationId))];
    const byStep: Record<string, number> = {};
    for (const organizationId of organizationIds) {
      await installDefaultScenarios(store.db, organizationId);
      await store.pool.query('UPDATE organizations SET sending_hours = $2::jsonb WHERE id = $1', [organizationId, ALWAYS]);
      opts.say('planning reminders…');
      await runOrganization(store.db, { organizationId, asOf: opts.asOf });
    }

    opts.say('sending reminders to the local mail catcher…');
    const email = new SmtpChannel({ host: mail.host, port: mail.port, from: { address: 'relances@relance.example', name: 'Relance demo' } });
    const deps = { channels: { email }, render: (input: Parameters<typeof renderMessage>[0]) => renderMessage(input), workerId: `demo-${process.pid}` };
    for (;;) {
      const pass = await sendDueActions(store.db, deps, { limit: 200 });
      if (pass.claimed === 0) break;
    }

    opts.say('writing back to the providers…');
    await pushOutbox({ store, keys });
    const actions = await countActions(rt, organizationIds, byStep);
    const writtenBack = { quickbooks: 0, xero: 0, hubspot: 0 } as Record<Provider, number>;
    for (const provider of ['quickbooks', 'xero', 'hubspot'] as const) writtenBack[provider] = sandbox.controls[provider].writtenBack().length;

    const first = connections.quickbooks?.organizationId ?? organizationIds[0];
    const reports = first ? await organizationReports(rt, first, opts.asOf) : { aging: null, dso: null };
    return { synced, actions, emailsCaught: mail.messages.length, writtenBack, reports, consoleUrl: null, portalUrl: null, notes };
  } finally {
    await mail?.close();
    await sandbox?.close();
  }
}

async function countActions(rt: Runtime, organizationIds: string[], byStep: Record<string, number>): Promise<DemoSummary['actions']> {
  const { rows } = await rt.store.pool.query<{ status: string; scenario: string | null; step: number; n: number }>(
    `SELECT a.status, s.name AS scenario, a.step AS step, count(*)::int AS n
       FROM actions a LEFT JOIN scenarios s ON s.id = a.scenario_id
      WHERE a.organization_id = ANY($1::uuid[])
      GROUP BY 1, 2, 3`,
    [organizationIds],
  );
  const out = { planned: 0, awaitingApproval: 0, sent: 0, byStep };
  for (const r of rows) {
    if (r.status === 'planned') out.planned += r.n;
    if (r.status === 'awaiting_approval') out.awaitingApproval += r.n;
    if (r.status === 'sent') out.sent += r.n;
    const key = `${r.scenario ?? 'none'}#${r.step}`;
    byStep[key] = (byStep[key] ?? 0) + r.n;
  }
  return out;
}

async function organizationReports(rt: Runtime, organizationId: string, asOf: string): Promise<DemoSummary['reports']> {
  const organization = await loadOrganization(rt.store.db, organizationId);
  const customers = await loadOrganizationLedgers(rt.store.db, organizationId);
  if (customers.length === 0) return { aging: null, dso: null };
  const aging = agingToJson(agedBalances(customers, organization, asOf));
  const [dso] = dsoReports(customers, organization, asOf, 90);
  return { aging, dso: dso && dso.dsoTenths !== null ? formatTenths(dso.dsoTenths) : null };
}
