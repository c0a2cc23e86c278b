/**
 * The job worker: Agenda 6 on the PostgreSQL backend, in the store's own database. Several worker
 * processes share the queue (`FOR UPDATE SKIP LOCKED`); each job is named `area.verb`, takes typed
 * data and calls into `core/`.
 */
import { Agenda } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { Logger } from '../core/logging.ts';
import { defineJobs, type JobDeps } from './definitions.ts';

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

export function createWorker(options: WorkerOptions): Worker {
  const backend = new PostgresBackend({
    connectionString: options.databaseUrl,
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
  agenda.on('error', (e: Error) => options.logger.error('scheduler error', { error: e }));
  agenda.on('fail', (e: Error, job: { attrs: { name: string } }) =>
    options.logger.warn('job failed', { job: job.attrs.name, error: e }),
  );
  defineJobs(agenda, options);
  let running = false;
  let lastHeartbeatAt: string | null = null;
  agenda.on('success:system.heartbeat', () => {
    lastHeartbeatAt = new Date().toISOString();
  });
  return {
    agenda,
    async start() {
      await agenda.start();
      await agenda.every('1 minute', 'system.heartbeat', {}, { skipImmediate: false });
      running = true;
    },
    async stop(timeoutMs = 30_000) {
      if (!running) {
        await agenda.stop(true).catch(() => {});
        return { running: 0 };
      }
      running = false;
      const result = await agenda.drain({ timeout: timeoutMs, closeConnection: true });
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
