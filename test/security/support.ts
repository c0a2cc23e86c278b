/**
 * What the security suite shares: the API test world (two organizations on a real PostgreSQL,
 * test/api/world.ts) served over real HTTP on loopback, more server processes' worth of apps on
 * the same database, and small HTTP helpers that behave as an attacker's client would.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createLogger, type Logger } from '../../core/logging.ts';
import { buildServer, type ServerDeps } from '../../server/app.ts';
import { createWorld, TEST_PROVIDER_APPS, type World } from '../api/world.ts';

export interface Served {
  w: World;
  url: string;
  close(): Promise<void>;
}

/** The world, listening on 127.0.0.1 (port 0). */
export async function serveWorld(options: Parameters<typeof createWorld>[0] = {}): Promise<Served> {
  const w = await createWorld(options);
  const url = await w.app.listen({ host: '127.0.0.1', port: 0 });
  return { w, url, close: () => w.close() };
}

/** One more server on the world's database (another process, as far as shared state goes), listening. */
export async function anotherServer(w: World, extra: Partial<ServerDeps> = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildServer({ pool: w.db.pool, storeMode: 'postgres', worker: null, logger: silentLogger(), keys: w.keys, providerApps: TEST_PROVIDER_APPS, ...extra });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

export function silentLogger(): Logger {
  return createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });
}

/** A logger whose lines the test reads back. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _e, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ stream, format: 'json', level: 'debug' }), lines };
}

export interface Answer {
  status: number;
  type: string;
  body: string;
  json: () => { error?: { code: string; message: string; field: string | null } } & Record<string, unknown>;
  cookie: string | null;
}

export async function http(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; form?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  }
  const res = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text, json: () => JSON.parse(text), cookie: res.headers.get('set-cookie') };
}

/** Row counts of the tables an attack could write to: compared before and after. */
export async function rowCounts(w: World, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = (await w.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n;
  return counts;
}

/** A 4xx with the API's JSON error body. */
export function isJsonRefusal(a: Answer): boolean {
  if (a.status < 400 || a.status >= 500 || !a.type.startsWith('application/json')) return false;
  const e = a.json().error;
  return typeof e?.code === 'string' && typeof e.message === 'string';
}
