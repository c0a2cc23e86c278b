/**
 * What a customer does on the portal. A payment-plan request is a timeline entry for a collector
 * to act on. Promises and disputes belong to their own cores (core/promises, core/disputes: they
 * record, re-run the customer's dunning and queue the write-back); the portal calls them through
 * this interface and offers the form only when they are wired.
 */
import { activities } from '../store/schema/index.ts';
import type { Executor } from '../store/index.ts';
import type { OpenedLink } from './links.ts';

export interface PromiseFromPortal {
  organizationId: string;
  customerId: string;
  currency: string;
  /** A decimal string ("250.00"), as the customer typed it with a dot. */
  amount: string;
  promisedDate: string;
  actor: string;
}

export interface DisputeFromPortal {
  organizationId: string;
  customerId: string;
  invoiceIds: string[];
  reason: string;
  actor: string;
}

export interface PortalActions {
  recordPromise?: (input: PromiseFromPortal) => Promise<void>;
  openDispute?: (input: DisputeFromPortal) => Promise<void>;
}

/** The actor written for everything a customer does on the portal: `portal:<customerId>`. */
export const portalActor = (link: OpenedLink) => `portal:${link.customerId}`;

export async function requestPaymentPlan(db: Executor, link: OpenedLink, input: { installments: number; message: string | null }): Promise<void> {
  await db.insert(activities).values({
    organizationId: link.organizationId,
    customerId: link.customerId,
    actor: portalActor(link),
    kind: 'portal.payment_plan_requested',
    payload: { installments: input.installments, message: input.message },
  });
}
