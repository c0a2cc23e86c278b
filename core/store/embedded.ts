/**
 * The embedded default: a PGlite database kept under the data directory, served on a loopback port
 * (pglite-server.ts) so that the same `pg` code path serves both modes. PGlite is one session; the
 * server gives it to one client exchange or transaction at a time.
 *
 * The data directory and everything in it are the owner's only (0700 directories, 0600 files), even
 * when the folder existed before with wider rights: the database holds encrypted tokens, customers'
 * ledgers and password hashes.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ConfigError } from '../errors.ts';
import { servePglite } from './pglite-server.ts';

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

/** Directories 0700, files 0600, from `dir` down (symbolic links are left alone). */
export function restrictToOwner(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) restrictToOwner(at);
    else if (entry.isFile()) chmodSync(at, 0o600);
  }
}

/** Opens (creating if needed) the embedded database and serves it on 127.0.0.1 at a free port. */
export async function startEmbedded(dataDir: string, options: { waitTimeoutMs?: number } = {}): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700); // mkdir's mode does not apply to a folder that already existed
  const release = takeLock(path.join(dataDir, 'pgdata.lock'));
  chmodSync(path.join(dataDir, 'pgdata.lock'), 0o600);
  const pgdata = path.join(dataDir, 'pgdata');
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(pgdata);
    // The files PGlite created or found: the owner's only. The folder's 0700 covers later files.
    restrictToOwner(pgdata);
    const server = await servePglite(db, { host: '127.0.0.1', ...(options.waitTimeoutMs ? { waitTimeoutMs: options.waitTimeoutMs } : {}) });
    const opened = db;
    return {
      url: `postgres://postgres@127.0.0.1:${server.port}/postgres`,
      async close() {
        await server.stop();
        await opened.close();
        try {
          restrictToOwner(pgdata);
        } catch {
          // a file removed meanwhile; the folder stays 0700
        }
        release();
      },
    };
  } catch (e) {
    await db?.close().catch(() => {});
    release();
    throw e;
  }
}
