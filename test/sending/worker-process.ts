/**
 * A send worker as its own process, for the process-kill test: the real Agenda worker
 * (jobs/worker.ts) with the dunning jobs, channels from the real settings (RELANCE_SMTP_URL,
 * RELANCE_MAIL_FROM), a short lease (SEND_LEASE_MS) so a takeover fits in a test, optionally a
 * smaller batch (SEND_BATCH_SIZE), and a send pass queued every 300 ms. Prints "worker ready" once it takes jobs. Run with `node --import tsx`.
 */
import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logging.ts';
import { renderMessage } from '../../core/messages/index.ts';
import { channelsFromConfig } from '../../core/sending/channels-from-config.ts';
import { openStore } from '../../core/store/db.ts';
import { createWorker } from '../../jobs/worker.ts';

const config = loadConfig();
const databaseUrl = config.databaseUrl;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const organizationId = process.env.ORGANIZATION_ID;
const logger = createLogger({ level: (process.env.WORKER_LOG_LEVEL ?? 'error') as 'error', format: 'json' });
// The send path needs a connection per message in flight and a few more (core/sending/batch.ts).
const store = openStore(databaseUrl, { max: 10 });
const batchSize = process.env.SEND_BATCH_SIZE ? Number(process.env.SEND_BATCH_SIZE) : undefined;
const { channels } = channelsFromConfig(config);
const worker = createWorker({
  databaseUrl, logger, concurrency: 1, processEvery: 200, name: `kill-test-${process.pid}`,
  dunning: {
    db: store.db,
    send: {
      channels, render: (i) => renderMessage(i), workerId: `pid:${process.pid}`, leaseMs: Number(process.env.SEND_LEASE_MS ?? 2000),
      ...(batchSize && { batchSize }),
    },
  },
});
await worker.start();
setInterval(() => void worker.agenda.now('dunning.send', { organizationId }), 300);
process.stdout.write('worker ready\n');
