/**
 * Starts the HubSpot simulator on a loopback port and says where: for tests, benchmarks and the
 * connector's end-to-end suite (the sandbox runner does the same for `relance sandbox`).
 */
import { createHubspotSimulator } from './index.ts';
import type { HubspotSimulator, HubspotSimulatorOptions } from './index.ts';

export interface RunningHubspotSimulator extends HubspotSimulator {
  baseUrl: string;
  close(): Promise<void>;
}

export async function listenHubspotSimulator(
  options: HubspotSimulatorOptions,
): Promise<RunningHubspotSimulator> {
  const sim = createHubspotSimulator(options);
  const address = await sim.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...sim, baseUrl: address, close: () => sim.app.close() };
}
