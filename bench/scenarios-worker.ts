/**
 * One worker process of the scenarios bench with `--workers`: joins the opened daily run, claims
 * parts until none is left, and prints what it did (JSON on stdout) with its own peak memory.
 * It says `worker ready` on stderr once loaded and starts on the first line of its stdin.
 * Usage: node --import tsx bench/scenarios-worker.ts <database url> <organization id> <run id> <as-of>
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { openStore } from '../core/store/db.ts';
import { joinRun } from '../core/agenda/index.ts';

const [url, organizationId, runId, asOf] = process.argv.slice(2) as [string, string, string, string];
const store = openStore(url, { max: 4 });
// The backends this worker's pool opened, whose CPU it reports before it closes them.
(store.pool as unknown as { options: { idleTimeoutMillis: number } }).options.idleTimeoutMillis = 0;
const backends = new Set<number>();
store.pool.on('connect', (client) => {
  const pid = (client as unknown as { processID?: number }).processID;
  if (pid) backends.add(pid);
});

/** CPU seconds of this worker's backends (null when the server is not on this machine). */
function backendCpuSeconds(): number | null {
  let ticks = 0;
  try {
    for (const pid of backends) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  return ticks / 100;
}
// Loading the code takes seconds under load: the bench starts its clock once every worker is ready.
process.stderr.write('worker ready\n');
await once(process.stdin, 'data');
try {
  const cpu0 = process.cpuUsage();
  const counts = await joinRun(store.db, { organizationId, runId, asOf });
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({
    customers: counts.customers, inserted: counts.inserted,
    peakRssMb: process.resourceUsage().maxRSS / 1024, nodeCpuSeconds: (cpu.user + cpu.system) / 1e6,
    postgresCpuSeconds: backendCpuSeconds(),
  }));
} finally {
  await store.close();
}
// stdin stays open (the bench's pipe): exit instead of waiting on it.
process.exit(0);
