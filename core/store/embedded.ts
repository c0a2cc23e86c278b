/**
 * The embedded default: a PGlite database kept under the data directory, served on a loopback port
 * by pglite-socket so that the same `pg` code path serves both modes. PGlite is one session; the
 * socket server multiplexes connections and keeps a transaction's statements together.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ConfigError } from '../errors.ts';

export interface EmbeddedDatabase {
  url: string;
  close(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PGlite files must never be opened by two processes at once: a pid file guards them. */
function takeLock(lockFile: string): () => void {
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const holder = Number(readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new ConfigError(
        `the embedded database in ${path.dirname(lockFile)} is in use by process ${holder}; stop it or set DATABASE_URL`,
        { field: 'RELANCE_DATA_DIR' },
      );
    }
    writeFileSync(lockFile, String(process.pid)); // a stale lock from a process that died
  }
  return () => rmSync(lockFile, { force: true });
}

/** Opens (creating if needed) the embedded database and serves it on 127.0.0.1 at a free port. */
export async function startEmbedded(dataDir: string, options: { maxConnections?: number } = {}): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = takeLock(path.join(dataDir, 'pgdata.lock'));
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(path.join(dataDir, 'pgdata'));
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: options.maxConnections ?? 32,
    });
    await server.start();
    const [, port] = server.getServerConn().split(':');
    const opened = db;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      async close() {
        await server.stop();
        await opened.close();
        release();
      },
    };
  } catch (e) {
    await db?.close().catch(() => {});
    release();
    throw e;
  }
}
