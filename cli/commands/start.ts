import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { renderMessage } from '../../core/messages/index.ts';
import { channelsFromConfig, configuredChannelNames, type OpenedChannels } from '../../core/sending/channels-from-config.ts';
import { scheduleDunning } from '../../jobs/dunning.ts';
import { scheduleInbox } from '../../jobs/inbox.ts';
import { scheduleHolds } from '../../jobs/holds.ts';
import { scheduleWorklist } from '../../jobs/worklist.ts';
import { scheduleOutbox } from '../../jobs/outbox.ts';
import { scheduleReports } from '../../jobs/reports.ts';
import { scheduleCredit } from '../../jobs/credit.ts';
import { scheduleScoring } from '../../jobs/scoring.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { buildServer } from '../../server/app.ts';
import { providerAppsFrom } from '../../server/oauth/index.ts';
import { openRuntime } from '../runtime.ts';
import { armStopDeadline, closeServer, JOB_DRAIN_MS } from '../shutdown.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the server and the job worker (embedded database when DATABASE_URL is unset)')
    .option('--no-worker', 'serve HTTP only; run no jobs in this process')
    .action(async (opts: { worker: boolean }) => {
      const rt = await openRuntime({ migrate: true });
      const { config, logger, store } = rt;
      let worker: Worker | null = null;
      let opened: OpenedChannels | null = null;
      if (opts.worker && config.worker.enabled) {
        opened = channelsFromConfig(config);
        worker = createWorker({
          databaseUrl: store.url,
          logger,
          concurrency: config.worker.concurrency,
          notifications: store.mode === 'postgres',
          sync: { store, keys: rt.keys },
          dunning: {
            db: store.db,
            send: {
              channels: opened.channels, render: (input) => renderMessage(input), workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
              // Each reminder links to its customer's portal page (absolute: needs RELANCE_PUBLIC_URL).
              portalLinks: { keys: rt.keys, publicUrl: config.publicUrl },
            },
          },
        });
        await worker.start();
        await scheduleDunning(worker.agenda);
        await scheduleHolds(worker.agenda);
        await scheduleWorklist(worker.agenda);
        await scheduleOutbox(worker.agenda);
        await scheduleReports(worker.agenda);
        await scheduleCredit(worker.agenda);
        await scheduleInbox(worker.agenda);
        await scheduleScoring(worker.agenda);
        // Said once at start: an email step without SMTP fails visibly on its action, not silently.
        if (!opened.channels.email) logger.warn('no email channel configured: set RELANCE_SMTP_URL and RELANCE_MAIL_FROM');
        if (!config.publicUrl) logger.warn('no public URL: reminders go without their portal link; set RELANCE_PUBLIC_URL');
        logger.info('dunning channels', { channels: opened.configured });
      }
      const app = buildServer({ pool: store.pool, storeMode: store.mode, worker, logger, keys: rt.keys, publicUrl: config.publicUrl, providerApps: providerAppsFrom(config.providerApps),
        trustedProxies: config.trustedProxies, promiseHorizonDays: config.promiseHorizonDays, channels: configuredChannelNames(config) });
      // The signal handlers are in place before the process says it is listening: a SIGTERM sent on
      // that line (a supervisor, a test) must find them, not the default action that kills at once.
      const stopAsked = new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          logger.info('stopping', { signal });
          resolve();
        };
        const onTerm = () => stop('SIGTERM');
        const onInt = () => stop('SIGINT');
        process.on('SIGTERM', onTerm);
        process.on('SIGINT', onInt);
      });
      const address = await app.listen({ host: config.host, port: config.port });
      logger.info('relance started', { address, store: store.mode, worker: Boolean(worker) });
      process.stdout.write(`relance listening on ${address} (${store.mode} database)\n`);

      await stopAsked;
      // Stop taking requests, let running jobs finish (briefly), then close the store.
      const disarm = armStopDeadline(logger);
      await closeServer(app);
      const drained = await worker?.stop(JOB_DRAIN_MS);
      if (drained?.running) logger.warn('jobs still running at shutdown', { running: drained.running });
      await opened?.close();
      await store.close();
      disarm();
      logger.info('stopped');
    });
}
