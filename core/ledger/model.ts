/**
 * The in-memory ledger the dunning engine and the reports read: plain data, amounts in bigint
 * minor units of each record's currency. The engine works one customer at a time on a
 * `CustomerLedger`, so the same code runs on a ledger file (all customers in memory) and on the
 * store (customers streamed in batches, each batch loaded into `CustomerLedger`s).
 */
import type { IsoDate } from '../calendar/index.ts';
import type { LatePaymentPolicy } from '../fees/policy.ts';

export interface Organization {
  readonly name: string;
  readonly country: string | null;
  /** The base currency: segment thresholds and CUSTOM fixed fees are in it. */
  readonly currency: string;
  readonly timezone: string | null;
  readonly language: string | null;
  readonly latePayment: LatePaymentPolicy;
  /** Step dates on a Saturday or Sunday move to the following Monday. */
  readonly businessDaysOnly: boolean;
}

export interface Customer {
  readonly externalId: string;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly language: string | null;
  readonly country: string | null;
  readonly tags: readonly string[];
  readonly paused: boolean;
  /** From the store only (absent in a ledger file): the payer score's risk class, e.g. "high". */
  readonly riskClass?: string | null;
  readonly customFields?: Readonly<Record<string, unknown>>;
  /** A hold on the whole customer is in force on the run's date. */
  readonly held?: boolean;
  /** The scenario an admin pinned: it applies whatever the segments say. */
  readonly pinnedScenario?: string | null;
}

/** One payment or credit allocated to an invoice, on the day it was made. */
export interface InvoiceAllocation {
  readonly date: IsoDate;
  readonly amount: bigint;
}

export interface Invoice {
  readonly externalId: string;
  readonly number: string;
  readonly customerExternalId: string;
  readonly issueDate: IsoDate;
  readonly dueDate: IsoDate;
  readonly currency: string;
  readonly total: bigint;
  readonly disputed: boolean;
  /** Void, draft and written-off invoices are not receivables: never open items. */
  readonly void: boolean;
  /** Sorted by date, ascending. */
  readonly allocations: readonly InvoiceAllocation[];
  /** Dunning steps (1-based, of the customer's scenario) already carried out for this invoice. */
  readonly doneSteps: readonly number[];
  /** A hold on this invoice is in force on the run's date: it gets no level, like a disputed one. */
  readonly held?: boolean;
}

export interface PromiseToPay {
  readonly customerExternalId: string;
  readonly date: IsoDate;
  readonly amount: bigint;
  readonly currency: string;
}

export const STEP_ACTIONS = ['email', 'sms', 'letter', 'task', 'call', 'escalate'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export interface ScenarioStep {
  readonly offsetDays: number;
  readonly action: StepAction;
  readonly template: string;
  readonly requiresApproval: boolean;
}

/** Which customers a scenario applies to; every given criterion must hold. Empty = everyone. */
export interface Segment {
  /** The customer carries every one of these tags. */
  readonly tags?: readonly string[];
  /** The customer's country is one of these (ISO 3166 alpha-2). */
  readonly country?: readonly string[];
  /** Overdue open balance, in minor units of the organization's currency, at least this much. */
  readonly minOverdue?: bigint;
  /** The customer's risk class (payer score) is one of these. */
  readonly riskClass?: readonly string[];
  /** Each named custom field of the customer equals the given value. */
  readonly customFields?: Readonly<Record<string, string | number | boolean>>;
}

export interface Scenario {
  readonly name: string;
  readonly segment: Segment;
  /** Ordered by offsetDays, strictly increasing; step numbers are 1-based positions. */
  readonly steps: readonly ScenarioStep[];
  /**
   * Customer-level stop rules this scenario applies (`paused`, `hold`, `promise`); absent = all.
   * Paid and disputed items are never dunned, whatever the scenario says.
   */
  readonly stopRules?: readonly string[];
}

/** Everything the engine needs about one customer. */
export interface CustomerLedger {
  readonly customer: Customer;
  readonly invoices: readonly Invoice[];
  readonly promises: readonly PromiseToPay[];
}

export interface Ledger {
  readonly organization: Organization;
  /** In the file's order. */
  readonly customers: readonly CustomerLedger[];
  readonly scenarios: readonly Scenario[];
}
