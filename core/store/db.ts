/**
 * One way to reach the store: a `pg` pool and a Drizzle handle over it. The embedded PGlite default
 * is served on a loopback port (see `embedded.ts`), so this same code runs in both modes.
 *
 * The pool survives its database: a connection the server terminates (pg_terminate_backend, a
 * failover, a proxy restart) never crashes the process — idle or checked out, every client has an
 * error listener — and is replaced by the next query. A single statement the server refused because
 * it was shutting the connection down (SQLSTATE class 57P, 08) is retried on a new connection; a
 * read that lost its connection without an answer is retried too. A write that lost its connection
 * without an answer is not (it may have committed): its caller's retry (a job's) decides.
 */
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = NodePgDatabase<Schema>;

export interface Store {
  pool: pg.Pool;
  db: Db;
  close(): Promise<void>;
}

// numeric and bigint come back as strings by default; keep them so (exact), but parse int8 counts
// where code asks for them explicitly. Dates (type 1082) stay 'YYYY-MM-DD' strings, never a JS Date
// shifted by the process time zone.
pg.types.setTypeParser(1082, (v) => v);

/** Attempts of one statement on connection loss (the first included). */
const ATTEMPTS = 4;

/** The server ended the session before running the statement: nothing of it happened. */
function refusedByServer(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (/^57P0[1-3]$/.test(code) || /^08/.test(code));
}

/** The connection went away with no answer (the statement may or may not have run). */
export function connectionLost(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  if (refusedByServer(e)) return true;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.code === 'ECONNREFUSED') return true;
  return typeof err.message === 'string' && /Connection terminated|connection ended|Client has encountered a connection error/i.test(err.message);
}

function isRead(text: string): boolean {
  return /^\s*(select|with\s[\s\S]*?\)\s*select|show|explain)\b/i.test(text) && !/\b(insert|update|delete|for update|for share)\b/i.test(text);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A `pg.Pool` whose clients never crash the process and whose single statements survive a reset. */
export class ResilientPool extends pg.Pool {
  constructor(config: pg.PoolConfig, onError: (e: Error) => void = () => {}) {
    super(config);
    // An idle client losing its server: the pool drops it; the next query opens another.
    this.on('error', onError);
    // A checked-out client losing its server between statements emits 'error' too: without a
    // listener that is an uncaught exception. Its current or next query reports the loss.
    this.on('connect', (client) => client.on('error', onError));
  }

  // Promise-style single statements only (what Drizzle and this code use); callbacks pass through.
  override query(...args: unknown[]): never {
    const last = args[args.length - 1];
    const call = () => (pg.Pool.prototype.query as (...a: unknown[]) => unknown).apply(this, args);
    if (typeof last === 'function') return call() as never;
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: unknown } | undefined)?.text ?? '');
    const run = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await (call() as Promise<unknown>);
        } catch (e) {
          const retry = attempt < ATTEMPTS && (refusedByServer(e) || (connectionLost(e) && isRead(text)));
          if (!retry || this.ending) throw e;
          await sleep(50 * 2 ** attempt);
        }
      }
    };
    return run() as never;
  }
}

/** Opens a pool on a PostgreSQL URL; nothing is queried until first use. */
export function openStore(url: string, options: { max?: number; onError?: (e: Error) => void } = {}): Store {
  const pool = new ResilientPool({ connectionString: url, max: options.max ?? 10 }, options.onError);
  const db = drizzle(pool, { schema });
  return {
    pool,
    db,
    close: () => pool.end(),
  };
}
