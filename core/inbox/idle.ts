/**
 * Reading a mailbox as mail arrives: IMAP IDLE (RFC 2177) when the server offers it, the minute's
 * poll (`inbox.read` from `inbox.schedule`) otherwise. A watcher holds one connection per mailbox
 * with the folder selected, read-only, in IDLE; each new message the server announces (`EXISTS`)
 * starts a read — readMailbox on its own session, the same code as a poll, so UID, UIDVALIDITY and
 * the store still file each message once, whatever reads at the same time. Reads are coalesced: an
 * announcement during a read makes one more read after it.
 *
 * A server without IDLE in its CAPABILITY is left to polling (`mode: 'polling'`); a dropped
 * connection, a refused login or an unreachable server is retried after `retryMs`, and polling
 * covers the mailbox meanwhile (`isIdling` is false). IDLE is renewed every `renewMs` (RFC 2177
 * asks clients to re-issue it at least every 29 minutes).
 */
import { ImapFlow } from 'imapflow';
import { classifyImapError } from './errors.ts';
import { IMAP_TIMEOUTS } from './profile.ts';
import { readMailbox, type ReadDeps, type ReadReport } from './read-mailbox.ts';
import { loadMailbox, mailboxPassword } from './settings.ts';

export type WatchMode = 'connecting' | 'idle' | 'polling' | 'down' | 'stopped';

export interface WatchOptions {
  /** Wait before reconnecting after a failure, and before asking a server without IDLE again (ms). */
  retryMs?: number;
  /** Longest single IDLE before it is renewed (ms). */
  renewMs?: number;
  /** Called after each read the watcher made. */
  onRead?: (report: ReadReport) => void;
  onError?: (error: Error) => void;
}

export interface MailboxWatcher {
  readonly organizationId: string;
  mode(): WatchMode;
  /** Resolves when the watcher is in IDLE, or has settled on polling or failed (its mode tells). */
  ready(): Promise<WatchMode>;
  stop(): Promise<void>;
}

/** Whether the server's capabilities include IDLE. */
export function supportsIdle(capabilities: Map<string, unknown> | undefined): boolean {
  return Boolean(capabilities?.has('IDLE'));
}

/** Watches one organization's mailbox until stopped. */
export function watchMailbox(deps: ReadDeps, organizationId: string, options: WatchOptions = {}): MailboxWatcher {
  const retryMs = options.retryMs ?? 60_000;
  const renewMs = options.renewMs ?? 25 * 60_000;
  let mode: WatchMode = 'connecting';
  let stopped = false;
  let client: ImapFlow | null = null;
  let settle: ((m: WatchMode) => void) | null = null;
  let settled = new Promise<WatchMode>((r) => (settle = r));
  let wake: (() => void) | null = null;
  const setMode = (m: WatchMode) => {
    mode = m;
    if (m !== 'connecting') {
      settle?.(m);
      settle = null;
    }
  };

  // One read at a time; an announcement during a read asks for one more.
  let reading: Promise<void> | null = null;
  let again = false;
  const read = (): void => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = (async () => {
      do {
        again = false;
        try {
          // Read first, then report: `onRead?.(await …)` would skip the read itself when no one listens.
          const report = await readMailbox(deps, organizationId);
          options.onRead?.(report);
        } catch (e) {
          options.onError?.(e instanceof Error ? e : new Error(String(e)));
        }
      } while (again && !stopped);
    })().finally(() => {
      reading = null;
    });
  };

  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  async function session(): Promise<void> {
    const mailbox = await loadMailbox(deps.db, organizationId);
    if (!mailbox) {
      setMode('stopped');
      stopped = true;
      return;
    }
    const c = new ImapFlow({
      host: mailbox.host, port: mailbox.port, secure: mailbox.tls,
      auth: { user: mailbox.username, pass: await mailboxPassword(deps.db, deps.keys, organizationId) },
      logger: false, disableAutoIdle: true, maxIdleTime: renewMs, ...IMAP_TIMEOUTS,
      ...(mailbox.tls ? {} : { doSTARTTLS: false }),
    });
    client = c;
    c.on('error', () => {});
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    try {
      await c.connect();
    } catch (e) {
      c.close();
      throw classifyImapError(e, mailbox.host);
    }
    try {
      if (!supportsIdle(c.capabilities)) {
        setMode('polling');
        return;
      }
      await c.mailboxOpen(mailbox.folder, { readOnly: true });
      c.on('exists', () => read());
      setMode('idle');
      // What arrived before the connection was up.
      read();
      while (!stopped && c.usable) {
        await Promise.race([c.idle(), closed]);
      }
    } finally {
      client = null;
      await c.logout().catch(() => c.close());
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await session();
        if (stopped) break;
        // Polling mode, or the connection ended: poll covers it until the next attempt.
        if ((mode as WatchMode) === 'idle') setMode('down');
      } catch (e) {
        setMode('down');
        options.onError?.(e instanceof Error ? e : new Error(String(e)));
      }
      if (stopped) break;
      settled = Promise.resolve(mode);
      await pause(retryMs);
    }
  })();

  return {
    organizationId,
    mode: () => mode,
    ready: () => settled,
    async stop() {
      stopped = true;
      setMode('stopped');
      wake?.();
      await client?.logout().catch(() => client?.close());
      await loop;
      await reading;
    },
  };
}

/** The watchers of a worker: one per connected mailbox, started and stopped as mailboxes come and go. */
export class MailboxWatchers {
  private readonly watchers = new Map<string, MailboxWatcher>();

  constructor(private readonly deps: ReadDeps, private readonly options: WatchOptions = {}) {}

  /** Starts a watcher for each organization not yet watched; stops those no longer listed. */
  sync(organizationIds: readonly string[]): void {
    const wanted = new Set(organizationIds);
    for (const [id, w] of this.watchers) {
      if (!wanted.has(id)) {
        this.watchers.delete(id);
        void w.stop();
      }
    }
    for (const id of wanted) if (!this.watchers.has(id)) this.watchers.set(id, watchMailbox(this.deps, id, this.options));
  }

  /** True while the mailbox is read on IDLE: its minute's poll is then not needed. */
  isIdling(organizationId: string): boolean {
    return this.watchers.get(organizationId)?.mode() === 'idle';
  }

  get(organizationId: string): MailboxWatcher | undefined {
    return this.watchers.get(organizationId);
  }

  async stopAll(): Promise<void> {
    const all = [...this.watchers.values()];
    this.watchers.clear();
    await Promise.all(all.map((w) => w.stop()));
  }
}
