/**
 * The inbox jobs. Thin: each calls into core/inbox.
 * - `inbox.schedule` (every minute): an `inbox.read` for each connected mailbox, and one `inbox.deliver`.
 * - `inbox.read` `{ organizationId }`: reads the mailbox (polling: a read a minute; UID and
 *   UIDVALIDITY in the store make each message filed once, whatever runs twice or dies midway).
 * - Mailboxes whose server offers IDLE are also watched (core/inbox/idle.ts): a message is read as
 *   the server announces it, and the minute's poll skips them while their IDLE connection is up.
 *   The watchers live in the worker's process and stop with it (stopInboxWatchers).
 * - `inbox.deliver`: queued answers, mention emails, Slack/Teams posts.
 */
import type { Agenda, Job } from 'agenda';
import type { KeyRing } from '../core/crypto.ts';
import type { Logger } from '../core/logging.ts';
import { connectedMailboxes, MailboxWatchers, readMailbox, runInboxDeliveries } from '../core/inbox/index.ts';
import type { SendDeps } from '../core/sending/index.ts';
import type { Db } from '../core/store/db.ts';

export interface InboxJobDeps {
  db: Db;
  keys: KeyRing;
  send: Pick<SendDeps, 'channels' | 'hasTemplate'>;
  publicUrl?: string | null;
  logger: Logger;
}

export interface InboxReadData { organizationId: string }

const watchersOf = new WeakMap<Agenda, MailboxWatchers>();

/** Stops the worker's IDLE connections (jobs/worker.ts calls it on stop). */
export async function stopInboxWatchers(agenda: Agenda): Promise<void> {
  await watchersOf.get(agenda)?.stopAll();
  watchersOf.delete(agenda);
}

export function defineInboxJobs(agenda: Agenda, deps: InboxJobDeps): void {
  const watchers = new MailboxWatchers({ db: deps.db, keys: deps.keys, send: deps.send }, {
    onRead: (report) => {
      if (report.status !== 'ok' && report.status !== 'no_mailbox') deps.logger.warn('inbox read (idle)', { status: report.status });
      else if (report.filed > 0) deps.logger.info('inbox read (idle)', { ...report });
    },
    onError: (e) => deps.logger.warn('inbox idle', { error: { message: e.message } }),
  });
  watchersOf.set(agenda, watchers);
  agenda.define('inbox.schedule', async () => {
    const connected = await connectedMailboxes(deps.db);
    watchers.sync(connected);
    for (const organizationId of connected) {
      if (!watchers.isIdling(organizationId)) await agenda.now('inbox.read', { organizationId } satisfies InboxReadData);
    }
    await agenda.now('inbox.deliver', {});
  });
  agenda.define('inbox.read', async (job: Job<InboxReadData>) => {
    const report = await readMailbox({ db: deps.db, keys: deps.keys, send: deps.send }, job.attrs.data.organizationId);
    // A refused login or an unreachable server is the mailbox's status (shown on its card), not a job failure.
    if (report.status !== 'ok' && report.status !== 'no_mailbox') deps.logger.warn('inbox read', { organizationId: job.attrs.data.organizationId, status: report.status });
    else if (report.filed > 0) deps.logger.info('inbox read', { organizationId: job.attrs.data.organizationId, ...report });
  });
  agenda.define('inbox.deliver', async () => {
    const result = await runInboxDeliveries(deps.db, { keys: deps.keys, email: deps.send.channels.email, publicUrl: deps.publicUrl ?? null });
    if (Object.values(result).some((n) => n > 0)) deps.logger.info('inbox deliveries', result);
  }, { concurrency: 1 });
}

export async function scheduleInbox(agenda: Agenda): Promise<void> {
  await agenda.every('1 minute', 'inbox.schedule', {}, { skipImmediate: false });
}
