/**
 * The long version of test/reliability/database-reset.test.ts's concurrent starts (issue 14 item 3):
 * RUNS times, a new empty database and CONCURRENT `relance start` launched at once on it; each must
 * come up (print its listening line) and stop with status 0 on SIGTERM. Prints the counts; exits 1
 * on any crash. Uses DATABASE_URL's server (default the local test server); every database it makes
 * is dropped, even when interrupted (bench/scratch-database.ts).
 *
 *   node --import tsx bench/reliability/concurrent-starts.ts [runs=20] [concurrent=4]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase } from '../scratch-database.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/relance.js');
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const runs = Number(process.argv[2] ?? 20);
const concurrent = Number(process.argv[3] ?? 4);
const key = `t1:${Buffer.alloc(32, 3).toString('base64')}`;

function startOne(url: string): Promise<'ok' | string> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url, RELANCE_SECRET_KEY: key, RELANCE_PORT: '0' };
    const child = spawn(process.execPath, [BIN, 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let up = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (!up && /listening on/.test(out)) {
        up = true;
        setTimeout(() => child.kill('SIGTERM'), 500);
      }
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(up && code === 0 ? 'ok' : `exit ${code ?? signal} ${up ? 'after' : 'before'} start: ${out.slice(-400)}`);
    });
  });
}

let crashed = 0;
let started = 0;
for (let run = 1; run <= runs; run++) {
  const scratch = await createScratchDatabase(serverUrl, 'starts');
  try {
    const results = await Promise.all(Array.from({ length: concurrent }, () => startOne(scratch.url)));
    for (const r of results) {
      if (r === 'ok') started++;
      else {
        crashed++;
        process.stderr.write(`run ${run}: ${r}\n`);
      }
    }
    process.stdout.write(`run ${run}/${runs}: ${results.filter((r) => r === 'ok').length}/${concurrent} up and stopped cleanly\n`);
  } finally {
    await scratch.drop();
  }
}
process.stdout.write(`concurrent starts: ${runs} runs × ${concurrent} processes: ${started} up, ${crashed} crashed (target 0)\n`);
process.exit(crashed === 0 ? 0 : 1);
