/**
 * A throwaway database on the benchmark's PostgreSQL server: created empty, dropped afterwards —
 * also when the bench fails, and when it is interrupted (SIGINT, SIGTERM): a million-row database
 * left behind by a Ctrl-C fills the shared server's disk one run at a time.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The scratch databases not yet dropped, by name, with the server each lives on. */
const live = new Map<string, string>();
let handlersInstalled = false;

function dropStatement(name: string): string {
  return `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`;
}

/** On SIGINT or SIGTERM: drop every live scratch database, then exit as the signal would have. */
function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      // The drop ends the bench's own connections, so the bench fails and may exit first (code
      // 1): whoever exits, the exit code is the signal's.
      process.on('exit', () => {
        process.exitCode = code;
      });
      process.stderr.write(`${signal}: dropping ${live.size} scratch database(s)\n`);
      const drops = [...live].map(([name, server]) => onServer(server, dropStatement(name)).catch((error: unknown) => {
        process.stderr.write(`could not drop ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      }));
      void Promise.all(drops).finally(() => process.exit(code));
    });
  }
}

/** `label` goes into the name (`relance_bench_<label>_<random>`), so a leftover says which bench made it. */
export async function createScratchDatabase(serverUrl: string, label: string): Promise<ScratchDatabase> {
  if (!/^[a-z0-9_]+$/.test(label)) throw new RangeError(`scratch database label "${label}": lower-case letters, digits and _ only`);
  const name = `relance_bench_${label}_${randomBytes(4).toString('hex')}`;
  installSignalHandlers();
  live.set(name, serverUrl);
  try {
    await onServer(serverUrl, `CREATE DATABASE ${name}`);
  } catch (error) {
    live.delete(name);
    throw error;
  }
  const url = new URL(serverUrl);
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    drop: async () => {
      await onServer(serverUrl, dropStatement(name));
      live.delete(name);
    },
  };
}

/**
 * Runs `fn` on a fresh scratch database and drops it afterwards, whether `fn` returns or throws
 * (a failed drop is reported without hiding the bench's own error).
 */
export async function withScratchDatabase<T>(serverUrl: string, label: string, fn: (url: string) => Promise<T>): Promise<T> {
  const scratch = await createScratchDatabase(serverUrl, label);
  let failed = false;
  try {
    return await fn(scratch.url);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await scratch.drop().catch((error: unknown) => {
      if (!failed) throw error;
      process.stderr.write(`could not drop the scratch database: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  }
}
