/** The connector registry, listed explicitly (STYLE principle 2): no discovery. */
import { InvalidInput } from '../core/errors.ts';
import type { Connector, ProviderName } from './contract.ts';
import { quickbooksConnector } from './quickbooks/index.ts';
import { xeroConnector } from './xero/index.ts';
import { hubspotConnector } from './hubspot/index.ts';

export type * from './contract.ts';

const CONNECTORS: Partial<Record<ProviderName, Connector>> = {
  quickbooks: quickbooksConnector,
  xero: xeroConnector,
  hubspot: hubspotConnector,
};

/** The connector of `provider`; an `InvalidInput` naming it when there is none (yet). */
export function connectorFor(provider: string): Connector {
  const connector = (CONNECTORS as Record<string, Connector | undefined>)[provider];
  if (!connector) {
    throw new InvalidInput(`provider "${provider}" has no connector (one of ${Object.keys(CONNECTORS).join(', ')})`, { field: 'provider' });
  }
  return connector;
}

export function registeredProviders(): ProviderName[] {
  return Object.keys(CONNECTORS) as ProviderName[];
}
