/**
 * The embedded database under concurrent clients: PGlite is one session, and the wire server must
 * give it to one client's exchange (or transaction) at a time. Before, parallel parameterized
 * queries from a pool got each other's prepared statements ("bind message supplies 2 parameters,
 * but prepared statement "" requires 1", "portal "" does not exist"). Also: the data directory and
 * its files are the owner's only, even when the folder existed with wider rights.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedDatabase } from '../../core/store/embedded.ts';

const root = mkdtempSync(path.join(tmpdir(), 'relance-embedded-server-'));
let embedded: EmbeddedDatabase;
let pool: pg.Pool;
const dataDir = path.join(root, 'data');

beforeAll(async () => {
  // A folder that already exists, readable by everyone: it must end up 0700.
  mkdirSync(dataDir, { mode: 0o755 });
  embedded = await startEmbedded(dataDir, { waitTimeoutMs: 5000 });
  pool = new pg.Pool({ connectionString: embedded.url, max: 8 });
  pool.on('error', () => {});
  await pool.query('CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, v text NOT NULL)');
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await embedded?.close();
  rmSync(root, { recursive: true, force: true });
});

function modes(dir: string): { dirs: number[]; files: number[] } {
  const out = { dirs: [statSync(dir).mode & 0o777], files: [] as number[] };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const at = path.join(dir, e.name);
    if (e.isDirectory()) {
      const m = modes(at);
      out.dirs.push(...m.dirs);
      out.files.push(...m.files);
    } else if (e.isFile()) out.files.push(statSync(at).mode & 0o777);
  }
  return out;
}

describe('the embedded database served to several clients', () => {
  it('keeps every client exchange and transaction whole under 400 concurrent statements', async () => {
    const work: Promise<void>[] = [];
    for (let i = 0; i < 400; i++) {
      const kind = i % 4;
      if (kind === 0) {
        work.push(pool.query('SELECT $1::int + $2::int AS s', [i, 1]).then((r) => expect(r.rows[0].s).toBe(i + 1)));
      } else if (kind === 1) {
        work.push(pool.query('SELECT $1::text AS v', [`x${i}`]).then((r) => expect(r.rows[0].v).toBe(`x${i}`)));
      } else if (kind === 2) {
        work.push((async () => {
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            await c.query('INSERT INTO t (id, v) VALUES ($1, $2)', [i, `v${i}`]);
            const r = await c.query('SELECT v FROM t WHERE id = $1', [i]);
            expect(r.rows[0].v).toBe(`v${i}`);
            await c.query(i % 8 === 2 ? 'ROLLBACK' : 'COMMIT');
          } finally {
            c.release();
          }
        })());
      } else {
        work.push(pool.query('SELECT count(*)::int AS n FROM t WHERE id < $1', [1_000_000]).then((r) => expect(r.rows[0].n).toBeGreaterThanOrEqual(0)));
      }
    }
    await Promise.all(work);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM t');
    // Kind 2 is i ≡ 2 (mod 4): 100 transactions, half of them (i ≡ 2 mod 8) rolled back.
    expect(rows[0].n).toBe(50);
  }, 60_000);

  it('rolls back what a client left open when it disconnects, and serves the next one', async () => {
    const c = new pg.Client({ connectionString: embedded.url });
    c.on('error', () => {});
    await c.connect();
    await c.query('BEGIN');
    await c.query('INSERT INTO t (id, v) VALUES (100000, $1)', ['left open']);
    // The pool's clients wait while this transaction is open…
    const waiting = pool.query('SELECT count(*)::int AS n FROM t WHERE id = 100000');
    (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    // …and get the session, without the abandoned row, once its client is gone.
    expect((await waiting).rows[0].n).toBe(0);
  }, 30_000);

  it('disconnects a client that waits too long instead of hanging', async () => {
    const holder = await pool.connect();
    holder.on('error', () => {});
    try {
      await holder.query('BEGIN');
      const other = new pg.Client({ connectionString: embedded.url });
      other.on('error', () => {});
      const failed = other.connect().then(() => other.query('SELECT 1')).then(() => 'answered', (e: Error) => e.message);
      expect(await failed).not.toBe('answered');
      await other.end().catch(() => {});
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
    }
  }, 30_000);

  it('leaves the data directory and its files to their owner only', () => {
    const m = modes(dataDir);
    expect(m.files.length).toBeGreaterThan(10);
    expect(m.dirs.every((mode) => mode === 0o700)).toBe(true);
    expect(m.files.every((mode) => mode === 0o600)).toBe(true);
  });
});
