/**
 * Stopping on SIGINT/SIGTERM within a few seconds whatever is in flight: the HTTP server stops
 * taking requests and gets a short grace for those it is answering, running jobs get a short drain,
 * and a last deadline ends the process if something still holds it (a second signal ends it at once).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../core/logging.ts';

/** How long in-flight requests may take to finish once the server stops listening. */
export const REQUEST_GRACE_MS = 2_000;
/** How long running jobs may take to finish; a job cut short is retried by the next worker. */
export const JOB_DRAIN_MS = 4_000;
/** The whole stop, after which the process exits whatever still runs. */
export const STOP_DEADLINE_MS = 10_000;

/** Closes the server; connections still busy after the grace are cut. */
export async function closeServer(app: FastifyInstance, graceMs = REQUEST_GRACE_MS): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs);
  cut.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

/**
 * Arms the last deadline once a stop has begun: the process exits (status 0: it was asked to stop)
 * if the orderly stop has not ended by then, or at once on a second signal.
 */
export function armStopDeadline(logger: Pick<Logger, 'warn'>, ms = STOP_DEADLINE_MS): () => void {
  const timer = setTimeout(() => {
    logger.warn('stop took too long: exiting', { afterMs: ms });
    process.exit(0);
  }, ms);
  timer.unref();
  const again = (signal: string) => {
    logger.warn('second signal: exiting now', { signal });
    process.exit(130);
  };
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  return () => {
    clearTimeout(timer);
    process.off('SIGINT', again);
    process.off('SIGTERM', again);
  };
}
