/**
 * The sandbox in a process of its own, for the benchmarks (issue 16.6): `relance sandbox --json` as a
 * child, so that the simulators' CPU (serialising pages, counting limits, signing webhooks) does not
 * run on the event loop of the code being measured — nor flatter it by idling while it waits. The
 * world is generated again here from the same seed (the generator is deterministic), for the names
 * and currencies a connection needs. The child is killed when the bench ends, fails or is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateWorld } from '../sandbox/generator/index.ts';
import type { SandboxInfo } from '../sandbox/index.ts';
import type { World } from '../sandbox/shared/contract.ts';

const RELANCE = fileURLToPath(new URL('../bin/relance.js', import.meta.url));

export interface SandboxProcess extends SandboxInfo {
  readonly world: World;
  readonly pid: number;
  /** CPU seconds (user + system) the sandbox process has used so far (Linux /proc). */
  cpuSeconds(): number;
  close(): Promise<void>;
}

export interface SandboxProcessOptions {
  seed: number;
  invoices: number;
  asOf: string;
  /** The providers' published limits on (default), or off. */
  limits?: boolean;
}

const children = new Set<ChildProcess>();
let exitHook = false;

function killAll(): void {
  for (const child of children) child.kill('SIGTERM');
}

/** Starts `relance sandbox --json` and resolves once it printed its addresses and credentials. */
export async function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const args = [RELANCE, 'sandbox', '--json', '--seed', String(options.seed), '--invoices', String(options.invoices), '--as-of', options.asOf, '--port', '0'];
  if (options.limits === false) args.push('--no-limits');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', killAll);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    children.delete(child);
    resolve();
  }));
  const info = await new Promise<SandboxInfo>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      try {
        const parsed = JSON.parse(out) as SandboxInfo;
        child.stdout!.off('data', onData);
        resolve(parsed);
      } catch {
        // not the whole object yet
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`relance sandbox exited (${String(code)}) before printing its addresses`)));
  });
  const world = generateWorld({ seed: options.seed, invoices: options.invoices, asOf: options.asOf });
  const pid = child.pid!;
  return {
    ...info,
    world,
    pid,
    cpuSeconds: () => processCpuSeconds(pid),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** This process's CPU seconds (user + system) since `since` (a `process.cpuUsage()`). */
export function ownCpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return Number(((used.user + used.system) / 1e6).toFixed(2));
}
