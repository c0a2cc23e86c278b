import type { IsoDate } from '../calendar/index.ts';
import type { Fees } from '../fees/index.ts';
import type { Organization, Scenario, StepAction } from '../ledger/index.ts';

/** What the planner needs besides one customer's data; the same for every customer of a run. */
export interface PlanContext {
  readonly asOf: IsoDate;
  readonly organization: Organization;
  /** In priority order: the first whose segment matches a customer applies to it. */
  readonly scenarios: readonly Scenario[];
}

export type ActionStatus = 'planned' | 'awaiting_approval';

/** One step for one customer (and one currency), grouping every item that has a level. */
export interface PlannedAction {
  readonly customerExternalId: string;
  readonly scenario: string;
  /** 1-based position of the step in the scenario. */
  readonly step: number;
  readonly action: StepAction;
  readonly template: string;
  readonly date: IsoDate;
  readonly status: ActionStatus;
  /** By due date, then number. */
  readonly invoiceExternalIds: readonly string[];
  /** Each listed invoice with its own level: carrying the action out marks each done at it. */
  readonly levels: readonly { readonly invoiceExternalId: string; readonly step: number }[];
  readonly amountDue: bigint;
  readonly currency: string;
  readonly fees: Fees;
  /** The same fees per listed invoice (external id), for the fee line of each reminder and letter. */
  readonly feesByInvoice?: Readonly<Record<string, Fees>>;
}

// `hold` (a hold on the customer, or on every item that would have been listed) comes from the store.
export const STOP_RULES = ['paused', 'hold', 'promise', 'disputed', 'no_contact'] as const;
export type StopRule = (typeof STOP_RULES)[number];

/** A customer that would have had an action, held back by the first stop rule that applies. */
export interface SkippedCustomer {
  readonly customerExternalId: string;
  readonly scenario: string;
  readonly step: number;
  readonly rule: StopRule;
  readonly invoiceExternalIds: readonly string[];
  readonly currency: string;
}

export interface CustomerPlan {
  readonly actions: readonly PlannedAction[];
  readonly skipped: readonly SkippedCustomer[];
}
