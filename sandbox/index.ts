/**
 * The sandbox: the seeded world served by the three provider simulators and the control API, each on
 * its own loopback port. `relance sandbox`, `relance demo`, the end-to-end tests and the benchmarks
 * start it through `startSandbox`.
 */
import type { FastifyInstance } from 'fastify';
import { ConfigError } from '../core/errors.ts';
import { buildControlApp, type ProviderName } from './control.ts';
import { generateWorld } from './generator/index.ts';
import { createHubspotSimulator } from './hubspot/index.ts';
import { createQuickBooksSimulator } from './quickbooks/index.ts';
import type { LimitSettings, SimControl, SimCredentials, Simulator, SimulatorOptions, World } from './shared/contract.ts';
import { createXeroSimulator } from './xero/index.ts';
import { createLetterSimulator, type LetterSimulator } from './letters/index.ts';
import { createRegistrySimulator, type RegistrySimulator } from './registry/index.ts';

export { generateWorld } from './generator/index.ts';
export { buildControlApp, PROVIDERS, type ProviderName } from './control.ts';

/** The simulators, in port order (base port + 0, + 1, + 2); the control API takes the next port. */
const SIMULATORS: readonly { name: ProviderName; create(options: SimulatorOptions): Simulator }[] = [
  { name: 'quickbooks', create: createQuickBooksSimulator },
  { name: 'xero', create: createXeroSimulator },
  { name: 'hubspot', create: createHubspotSimulator },
];

export interface SandboxOptions {
  seed: number;
  /** Invoices per ledger (10 .. 1,000,000). */
  invoices: number;
  /** YYYY-MM-DD; the world's dates are relative to it. */
  asOf: string;
  /** 0: random free ports; N: quickbooks N, xero N+1, hubspot N+2, control N+3. */
  port: number;
  limits: LimitSettings;
  /** The simulators' clock (tests move it to expire tokens or reset daily caps). */
  now?: () => number;
}

/** What `relance sandbox --json` prints (FORMATS.md). */
export interface SandboxInfo {
  quickbooks: SimCredentials & { baseUrl: string };
  xero: SimCredentials & { baseUrl: string };
  hubspot: SimCredentials & { baseUrl: string };
  control: { baseUrl: string };
}

/**
 * The running sandbox: the FORMATS.md object (JSON.stringify gives exactly it) plus `close()`, and,
 * not enumerable, the world and each simulator for tests that need to look inside.
 */
export type RunningSandbox = SandboxInfo & {
  close(): Promise<void>;
  readonly world: World;
  readonly controls: Record<ProviderName, SimControl>;
  readonly simulators: Record<ProviderName, Simulator>;
  /** The print-and-post simulator (sandbox/letters). */
  readonly letters: { readonly baseUrl: string; readonly apiKey: string; readonly simulator: LetterSimulator };
  /** The company registry simulator (sandbox/registry: UK Companies House). */
  readonly registry: { readonly baseUrl: string; readonly apiKey: string; readonly simulator: RegistrySimulator };
};

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const world = generateWorld({ seed: options.seed, invoices: options.invoices, asOf: options.asOf });
  const simOptions: SimulatorOptions = { world, limits: options.limits, ...(options.now ? { now: options.now } : {}) };
  const started: FastifyInstance[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(started.map((app) => app.close()));
  };
  try {
    const simulators = {} as Record<ProviderName, Simulator>;
    const info = {} as Record<ProviderName, SimCredentials & { baseUrl: string }>;
    for (const [i, spec] of SIMULATORS.entries()) {
      const sim = spec.create(simOptions);
      const baseUrl = await listen(sim.app, options.port === 0 ? 0 : options.port + i, spec.name);
      started.push(sim.app);
      simulators[spec.name] = sim;
      info[spec.name] = { baseUrl, ...sim.credentials };
    }
    const controls = Object.fromEntries(SIMULATORS.map((s) => [s.name, simulators[s.name].control])) as Record<ProviderName, SimControl>;
    const controlApp = buildControlApp(controls);
    const controlUrl = await listen(controlApp, options.port === 0 ? 0 : options.port + SIMULATORS.length, 'control');
    started.push(controlApp);
    const running = { ...info, control: { baseUrl: controlUrl }, close } as SandboxInfo & { close(): Promise<void> };
    Object.defineProperties(running, {
      world: { value: world, enumerable: false },
      controls: { value: controls, enumerable: false },
      simulators: { value: simulators, enumerable: false },
    });
    // The print-and-post simulator (Lob's letters API): not in the FORMATS.md object, reached by tests and the demo.
    const letterSim = createLetterSimulator();
    const lettersUrl = await listen(letterSim.app, options.port === 0 ? 0 : options.port + SIMULATORS.length + 1, 'letters');
    started.push(letterSim.app);
    Object.defineProperty(running, 'letters', { value: { baseUrl: lettersUrl, apiKey: letterSim.apiKey, simulator: letterSim }, enumerable: false });
    // The company registry simulator (Companies House): reached by tests and the demo.
    const registrySim = createRegistrySimulator();
    const registryUrl = await listen(registrySim.app, options.port === 0 ? 0 : options.port + SIMULATORS.length + 2, 'registry');
    started.push(registrySim.app);
    Object.defineProperty(running, 'registry', { value: { baseUrl: registryUrl, apiKey: registrySim.apiKey, simulator: registrySim }, enumerable: false });
    return running as RunningSandbox;
  } catch (e) {
    await close();
    throw e;
  }
}

async function listen(app: FastifyInstance, port: number, name: string): Promise<string> {
  try {
    await app.listen({ host: '127.0.0.1', port });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new ConfigError(`port: ${port} (${name}) is not available (${code})`, { field: 'port' }, { cause: e });
    }
    throw e;
  }
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new ConfigError(`${name}: no TCP address after listen`);
  return `http://127.0.0.1:${address.port}`;
}
