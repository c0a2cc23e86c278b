/** What repositories run statements on: the store's Drizzle handle or a transaction of it. */
import type { Db } from '../db.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Functions that must be atomic over several statements ask for a `Tx`; others take either. */
export type Executor = Db | Tx;

/**
 * Drizzle wraps a failed statement in an error whose message repeats the query and every parameter:
 * for a page that is thousands of values in a log line. The PostgreSQL error underneath says what
 * went wrong (`code`, `detail`, `constraint`); surface that one instead.
 */
export function databaseError(e: unknown): unknown {
  const cause = (e as { cause?: unknown } | null)?.cause;
  if (cause instanceof Error && typeof (cause as { code?: unknown }).code === 'string') return cause;
  return e;
}
