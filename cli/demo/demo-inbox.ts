/**
 * The demo's shared mailbox (issue 18): the sandbox IMAP inbox (sandbox/imap-inbox.ts) connected as
 * the first demo organization's inbox, at the address its reminders are sent from, with
 * plus-addressing — so each reminder's Reply-To is `relances+<token>@relance.example`, the mail
 * catcher hands what is sent there to the inbox, and the worker's inbox job files it.
 */
import type { KeyRing } from '../../core/crypto.ts';
import { saveMailbox } from '../../core/inbox/index.ts';
import type { Db } from '../../core/store/index.ts';
import type { ImapInbox } from '../../sandbox/imap-inbox.ts';

/** The address the demo's reminders come from (cli/demo/run-demo.ts) and replies go to. */
export const DEMO_INBOX_ADDRESS = 'relances@relance.example';

/** Connects (or, on a re-run, reconnects to this run's port) the organization's mailbox to the demo inbox. */
export async function connectDemoInbox(db: Db, keys: KeyRing, organizationId: string, inbox: ImapInbox): Promise<void> {
  await saveMailbox(db, keys, organizationId, {
    host: inbox.host, port: inbox.port, tls: false, username: inbox.user, password: inbox.password,
    address: DEMO_INBOX_ADDRESS, plusAddressing: true,
  });
}
