/**
 * What a test or the demo does to the portal from outside, as a HubSpot user would in the UI: edit a
 * record (its modified date moves and the webhook fires), inject faults, read what Relance wrote.
 */
import type { Fault, SimControl, WrittenBack } from '../shared/contract.ts';
import type { FaultInjector } from '../shared/faults.ts';
import { HubspotHttpError } from './errors.ts';
import type { SimState } from './routes-objects.ts';
import { objectTypeOf, toJson } from './serialize.ts';
import type { Delivery, WebhookSender } from './webhooks.ts';
import type { TokenRegistry } from './auth.ts';

export interface HubspotSimControl extends SimControl {
  /** Every webhook POST made, with the status the target answered or the network error. */
  webhookDeliveries(): Delivery[];
  /** What the private-app token is granted from now on (HubSpot's 403 MISSING_SCOPES outside it). */
  setPrivateAppScopes(scopes: readonly string[]): void;
}

export function createControl(
  state: SimState,
  faults: FaultInjector,
  webhooks: WebhookSender,
  tokens: TokenRegistry,
): HubspotSimControl {
  return {
    setPrivateAppScopes(scopes) {
      tokens.privateAppScopes = [...scopes];
    },
    async editRecord(entity, id, patch) {
      let type;
      try {
        type = objectTypeOf(entity);
      } catch (e) {
        throw new Error(e instanceof HubspotHttpError ? e.message : String(e));
      }
      const store = state.portal.stores[type];
      const obj = store.get(id);
      if (!obj) throw new Error(`hubspot: no ${type} with id ${id}`);
      const changes: Record<string, string | null> = {};
      for (const [name, raw] of Object.entries(patch)) {
        const value = raw === null || raw === undefined ? null : String(raw);
        if ((obj.properties[name] ?? null) !== value) changes[name] = value;
      }
      store.touch(obj, changes, state.now());
      if (type === 'companies' || type === 'contacts') {
        await webhooks.send(
          webhooks.propertyChanges(type === 'companies' ? 'company' : 'contact', id, changes),
        );
      }
      return toJson(state.portal, type, obj, Object.keys(patch));
    },
    async recordPayment() {
      // The portal holds companies and contacts only: payments live in the accounting simulators.
      throw new Error(
        'hubspot: the HubSpot simulator holds no invoices; record payments in QuickBooks or Xero',
      );
    },
    injectFault(fault: Fault) {
      faults.inject(fault);
    },
    clearFaults() {
      faults.clear();
    },
    writtenBack(): WrittenBack[] {
      return [...state.writes];
    },
    setWebhookTarget(url) {
      webhooks.setTarget(url);
    },
    webhookDeliveries() {
      return [...webhooks.deliveries];
    },
  };
}
