/**
 * One `relance demo` session: the simulators and the mail catcher up, the run, its summary and
 * where to look; then, when serving, the real server until SIGINT or SIGTERM; everything closed.
 */
import path from 'node:path';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { startMailCatcher, type MailCatcher } from '../../sandbox/mail-catcher.ts';
import { startImapInbox, type ImapInbox } from '../../sandbox/imap-inbox.ts';
import { DEMO_INBOX_ADDRESS } from './demo-inbox.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import { armStopDeadline } from '../shutdown.ts';
import { runDemo, type DemoSummary } from './run-demo.ts';
import { choosePort, localUrl, serveDemo, untilStopped } from './serve.ts';

export interface DemoSessionOptions {
  seed: number;
  invoices: number;
  asOf: string;
  serve: boolean;
  json: boolean;
}

/** The aged balance of FORMATS.md's JSON on one line: its buckets, then the total. */
export function agingLine(aging: unknown): string | null {
  const a = aging as { asOf?: string; currency?: string; buckets?: Record<string, string>; total?: string } | null;
  if (!a?.buckets || !a.total) return null;
  const buckets = Object.entries(a.buckets).map(([bucket, amount]) => `${bucket} ${amount}`).join(' · ');
  return `  aged balance (${a.currency}, ${a.asOf}): ${buckets} · total ${a.total}`;
}

export function printSummary(s: DemoSummary): string {
  const lines = ['', 'Relance demo — done', ''];
  for (const [provider, counts] of Object.entries(s.synced)) {
    const parts = Object.entries(counts).map(([entity, n]) => `${n} ${entity}`);
    lines.push(`  synced ${provider.padEnd(10)} ${parts.length ? parts.join(', ') : '—'}`);
  }
  const channels = Object.entries(s.actions.sentByChannel ?? {}).map(([channel, n]) => `${channel} ${n}`).join(', ');
  lines.push(`  reminders: ${s.actions.sent} sent${channels ? ` (${channels})` : ''}, ${s.actions.planned} planned, ${s.actions.awaitingApproval} awaiting approval`);
  for (const [step, n] of Object.entries(s.actions.byStep).sort()) lines.push(`    ${step.padEnd(24)} ${n}`);
  lines.push(`  emails caught by the local mail server: ${s.emailsCaught}`);
  lines.push(`  written back: ${Object.entries(s.writtenBack).map(([p, n]) => `${p} ${n}`).join(', ')}`);
  const aging = agingLine(s.reports.aging);
  if (aging) lines.push(aging);
  if (s.reports.dso !== null) lines.push(`  DSO: ${s.reports.dso} days`);
  for (const note of s.notes) lines.push(`  note: ${note}`);
  return lines.join('\n') + '\n';
}

/** Where to look: the console with its user, a customer's portal, the caught mail. */
function printAccess(s: DemoSummary): string {
  const lines = ['', `console: ${s.consoleUrl}  user: ${s.user.email}  password: ${s.user.password}`];
  if (s.portalUrl) lines.push(`portal (${s.portalCustomer}): ${s.portalUrl}`);
  if (s.mailUrl) lines.push(`caught mail: ${s.mailUrl}`);
  if (s.mailUrl) lines.push(`replies: answer a caught reminder from ${new URL('/', s.mailUrl).toString()} ("Reply as the customer"); it is filed on the customer's timeline`);
  if (s.letters?.directory) {
    const waiting = s.letters.awaitingApproval ? `; ${s.letters.awaitingApproval} awaiting approval in the console${s.letters.held ? ` (${s.letters.held} held: a missing postal address…)` : ''}` : '';
    const approved = s.letters.approvedByDemo?.count ? ` (${s.letters.approvedByDemo.count} approved for the demo by ${s.letters.approvedByDemo.by}, audited)` : '';
    lines.push(`letters: ${s.letters.sent} sent${approved}, their PDFs in ${s.letters.directory}${waiting}`);
  }
  return lines.join('\n') + '\n';
}

/** Where the data stays once the demo exits, for `relance start` to serve. */
function storeNote(rt: Runtime): string {
  return rt.store.mode === 'embedded' ? `the embedded database in ${rt.config.dataDir}` : 'the database at DATABASE_URL';
}

export async function demoSession(o: DemoSessionOptions): Promise<void> {
  const rt = await openRuntime({ migrate: true });
  const say = o.json ? () => {} : (line: string) => process.stderr.write(line + '\n');
  let sandbox: RunningSandbox | null = null;
  let mail: MailCatcher | null = null;
  // The organization's shared mailbox: an IMAP inbox the catcher hands replies to (issue 18).
  let inbox: ImapInbox | null = null;
  try {
    say(`starting the provider simulators (seed ${o.seed}, ${o.invoices} invoices per ledger)…`);
    sandbox = await startSandbox({ seed: o.seed, invoices: o.invoices, asOf: o.asOf, port: 0, limits: false });
    inbox = await startImapInbox();
    mail = await startMailCatcher(0, { web: o.serve, inbox: { address: DEMO_INBOX_ADDRESS, append: (raw) => inbox!.append(raw) } });
    await runThenServe(rt, { ...o, sandbox, mail, inbox, say });
  } finally {
    await mail?.close();
    await inbox?.close();
    await sandbox?.close();
    await rt.store.close();
  }
}

/** The run, its summary, then (serving) the server until SIGINT or SIGTERM. */
async function runThenServe(
  rt: Runtime,
  o: DemoSessionOptions & { sandbox: RunningSandbox; mail: MailCatcher; inbox: ImapInbox; say: (line: string) => void },
): Promise<void> {
  const { config } = rt;
  const chosen = o.serve ? await choosePort(config.host, config.port) : null;
  if (chosen?.fellBack) o.say(`port ${config.port} is taken: serving on ${chosen.port} instead`);
  // Not serving: the reminders and links point where `relance start` will serve them.
  const publicUrl = chosen ? localUrl(config.host, chosen.port) : (config.publicUrl ?? localUrl(config.host, config.port));
  const lettersDir = path.join(config.dataDir, 'letters');
  const summary = await runDemo(rt, { sandbox: o.sandbox, mail: o.mail, inbox: o.inbox, asOf: o.asOf, publicUrl, say: o.say, lettersDir });
  const served = chosen
    ? await serveDemo({ store: rt.store, keys: rt.keys, logger: rt.logger, sandbox: o.sandbox, mail: o.mail, host: config.host, port: chosen.port, lettersDir })
    : null;
  // Listening for Ctrl-C before the summary says where to click: a signal sent on that line must
  // find the handler, not the default action that ends the process at once.
  const stopped = served ? untilStopped() : null;
  process.stdout.write(o.json ? JSON.stringify(summary, null, 2) + '\n' : printSummary(summary) + printAccess(summary));
  if (!served || !stopped) {
    o.say(`not serving: \`relance start\` serves the console at ${summary.consoleUrl} (the data stays in ${storeNote(rt)})`);
    return;
  }
  o.say('serving the console, the portal, the simulators and the mail catcher; Ctrl-C stops');
  const signal = await stopped;
  o.say(`${signal}: stopping…`);
  // Ends the process if the stop (server, jobs, then the simulators and the store) overruns.
  armStopDeadline(rt.logger);
  await served.close();
}
