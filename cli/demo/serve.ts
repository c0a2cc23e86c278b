/**
 * `relance demo` serving what it built, until stopped: the real server and job worker, wired as
 * `relance start` wires them, on the demo's store. Reminders go to the demo's mail catcher, portal
 * links open at this server, and the console's Connect buttons lead to the sandbox's OAuth pages.
 * The browser tests serve through it too.
 */
import { createServer } from 'node:net';
import type { KeyRing } from '../../core/crypto.ts';
import type { Logger } from '../../core/logging.ts';
import type { OpenedStore } from '../../core/store/open.ts';
import { scheduleDunning } from '../../jobs/dunning.ts';
import { scheduleHolds } from '../../jobs/holds.ts';
import { scheduleWorklist } from '../../jobs/worklist.ts';
import { scheduleScoring } from '../../jobs/scoring.ts';
import { scheduleOutbox } from '../../jobs/outbox.ts';
import { scheduleInbox } from '../../jobs/inbox.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import type { RunningSandbox } from '../../sandbox/index.ts';
import type { MailCatcher } from '../../sandbox/mail-catcher.ts';
import { buildServer } from '../../server/app.ts';
import { closeServer, JOB_DRAIN_MS } from '../shutdown.ts';
import { sandboxProviderApps } from './connect-sandbox.ts';
import { demoSendDeps } from './run-demo.ts';

export interface DemoServeOptions {
  /** The local letter outbox's folder (null or absent: letters kept in the store only). */
  lettersDir?: string | null;
  store: Pick<OpenedStore, 'pool' | 'db' | 'url' | 'mode'>;
  keys: KeyRing;
  logger: Logger;
  sandbox: RunningSandbox;
  mail: MailCatcher;
  host: string;
  /** A free port (choosePort): the reminders sent before serving already link to it. */
  port: number;
}

export interface ServedDemo {
  /** The server's URL, also its public URL (portal links, OAuth callbacks). */
  url: string;
  worker: Worker;
  /** Stops taking requests, lets running jobs finish, closes the mail channel. */
  close(): Promise<void>;
}

/** The URL a browser on this machine reaches a server listening on `host` at. */
export function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** `preferred` when it is free on `host`, else a free port the system picks. */
export async function choosePort(host: string, preferred: number): Promise<{ port: number; fellBack: boolean }> {
  const probe = (port: number) =>
    new Promise<number | null>((resolve, reject) => {
      const server = createServer();
      server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' || e.code === 'EACCES' ? resolve(null) : reject(e)));
      server.listen(port, host, () => {
        const { port: bound } = server.address() as { port: number };
        server.close(() => resolve(bound));
      });
    });
  const wanted = await probe(preferred);
  if (wanted !== null) return { port: wanted, fellBack: false };
  return { port: (await probe(0))!, fellBack: true };
}

export async function serveDemo(o: DemoServeOptions): Promise<ServedDemo> {
  const url = localUrl(o.host, o.port);
  const send = demoSendDeps(o.mail, { keys: o.keys, publicUrl: url }, `demo-serve-${process.pid}`, o.lettersDir ?? null);
  const worker = createWorker({
    databaseUrl: o.store.url,
    logger: o.logger,
    concurrency: 4,
    notifications: o.store.mode === 'postgres',
    sync: { store: o.store, keys: o.keys },
    dunning: { db: o.store.db, send },
  });
  await worker.start();
  await scheduleDunning(worker.agenda);
  await scheduleHolds(worker.agenda);
  await scheduleWorklist(worker.agenda);
  await scheduleOutbox(worker.agenda);
  // The shared mailbox (the demo inbox): read on IDLE, or each minute (jobs/inbox.ts).
  await scheduleInbox(worker.agenda);
  // Payers rescored daily while the demo serves (the import scored them once already: run-demo.ts).
  await scheduleScoring(worker.agenda);
  const app = buildServer({
    pool: o.store.pool, storeMode: o.store.mode, worker, logger: o.logger, keys: o.keys, publicUrl: url,
    providerApps: sandboxProviderApps(o.sandbox),
    // The demo sends email (the mail catcher) and letters (the local outbox); no SMS.
    channels: Object.keys(send.channels),
  });
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (e) {
    await worker.stop(5_000);
    throw e;
  }
  return {
    url,
    worker,
    close: async () => {
      await closeServer(app);
      const drained = await worker.stop(JOB_DRAIN_MS);
      if (drained.running) o.logger.warn('jobs still running at shutdown', { running: drained.running });
      await send.channels.email.close();
    },
  };
}

/** Resolves with the signal's name at the first SIGINT or SIGTERM. */
export function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}
