/**
 * The job worker: Agenda 6 on the PostgreSQL backend, in the store's own database. Several worker
 * processes share the queue (`FOR UPDATE SKIP LOCKED`); each job is named `area.verb`, takes typed
 * data and calls into `core/`.
 */
import { Agenda } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { Logger } from '../core/logging.ts';
import { ResilientPool } from '../core/store/db.ts';
import { defineJobs, type JobDeps } from './definitions.ts';
import { registerSyncPool, scheduleSync } from './sync.ts';
import { stopInboxWatchers } from './inbox.ts';

export interface Worker {
  agenda: Agenda;
  /** Starts taking jobs. */
  start(): Promise<void>;
  /** Stops taking jobs and waits (up to `timeoutMs`) for running ones to finish. */
  stop(timeoutMs?: number): Promise<{ running: number }>;
  /** What /healthz shows of the scheduler. */
  status(): Promise<{ running: boolean; queued: number; runningJobs: number; lastHeartbeatAt: string | null }>;
}

export interface WorkerOptions extends JobDeps {
  databaseUrl: string;
  logger: Logger;
  concurrency: number;
  name?: string;
  /** LISTEN/NOTIFY for prompt pick-up (default on); polling alone when off. */
  notifications?: boolean;
  /** How often to look for due jobs when no notification came (default 5 s). */
  processEvery?: number;
}

// The advisory lock that serializes the job backend's table creation across processes.
const JOB_TABLES_LOCK = 0x52454c42; // "RELB"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Agenda backend on our own pool (an error listener on every client: a terminated connection
 * never crashes the process), creating its tables under an advisory lock (any number of processes
 * starting at once on a new database all come up). Agenda calls `connect()` from its constructor
 * with no catch: this one never rejects; `start()` reports a failure.
 */
class LockedBackend extends PostgresBackend {
  failure: Error | null = null;

  constructor(
    private readonly lockPool: pg.Pool,
    config: ConstructorParameters<typeof PostgresBackend>[0],
  ) {
    super(config);
  }

  override async connect(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await this.lockPool.connect();
        try {
          await client.query('SELECT pg_advisory_lock($1)', [JOB_TABLES_LOCK]);
          try {
            await super.connect();
          } finally {
            await client.query('SELECT pg_advisory_unlock($1)', [JOB_TABLES_LOCK]).catch(() => {});
          }
        } finally {
          client.release();
        }
        this.failure = null;
        return;
      } catch (e) {
        this.failure = e as Error;
        if (attempt >= 5) return;
        await sleep(200 * attempt);
      }
    }
  }
}

export function createWorker(options: WorkerOptions): Worker {
  const pool = new ResilientPool(
    { connectionString: options.databaseUrl, max: Math.max(4, options.concurrency + 2) },
    (e) => options.logger.warn('job backend connection lost', { error: { message: e.message, code: (e as { code?: string }).code } }),
  );
  const backend = new LockedBackend(pool, {
    pool,
    tableName: 'agenda_jobs',
    // LISTEN over the embedded database's multiplexed session is not dependable: poll there.
    disableNotifications: options.notifications === false,
  });
  const agenda = new Agenda({
    backend,
    name: options.name ?? `relance-${process.pid}`,
    processEvery: options.processEvery ?? 5000,
    maxConcurrency: options.concurrency,
    defaultConcurrency: options.concurrency,
  });
  // The LISTEN client reconnects by itself after a loss; its 'error' event must have a listener.
  (backend.notificationChannel as unknown as { on?: (event: 'error', fn: (e: Error) => void) => void } | undefined)?.on?.('error', (e: Error) =>
    options.logger.warn('job notifications interrupted', { error: { message: e.message } }),
  );
  agenda.on('error', (e: Error) => options.logger.error('scheduler error', { error: e }));
  agenda.on('fail', (e: Error, job: { attrs: { name: string } }) =>
    options.logger.warn('job failed', { job: job.attrs.name, error: e }),
  );
  defineJobs(agenda, options);
  // Sync requests coalesce through the store (jobs/sync.ts); the periodic sync runs with the worker.
  registerSyncPool(agenda, pool);
  let running = false;
  let lastHeartbeatAt: string | null = null;
  agenda.on('success:system.heartbeat', () => {
    lastHeartbeatAt = new Date().toISOString();
  });
  return {
    agenda,
    async start() {
      await agenda.ready;
      if (backend.failure) await backend.connect();
      if (backend.failure) throw backend.failure;
      await agenda.start();
      await agenda.every('1 minute', 'system.heartbeat', {}, { skipImmediate: false });
      if (options.sync) await scheduleSync(agenda);
      running = true;
    },
    async stop(timeoutMs = 30_000) {
      await stopInboxWatchers(agenda);
      if (!running) {
        await agenda.stop(true).catch(() => {});
        await pool.end().catch(() => {});
        return { running: 0 };
      }
      running = false;
      const result = await agenda.drain({ timeout: timeoutMs, closeConnection: true });
      // Jobs cut short still hold clients: end the pool without waiting for them.
      if (result.running) void pool.end().catch(() => {});
      else await pool.end().catch(() => {});
      return { running: result.running };
    },
    async status() {
      const stats = await agenda.getRunningStats();
      return {
        running,
        queued: typeof stats.queuedJobs === 'number' ? stats.queuedJobs : stats.queuedJobs.length,
        runningJobs: typeof stats.runningJobs === 'number' ? stats.runningJobs : stats.runningJobs.length,
        lastHeartbeatAt,
      };
    },
  };
}
