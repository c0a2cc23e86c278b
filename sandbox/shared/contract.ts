/**
 * The contract between the sandbox's parts: the provider-neutral world the generator makes, and the
 * shape every provider simulator exposes. Each simulator turns the world into its provider's own
 * records (its own `seed.ts`) and serves them with the provider's paths, shapes, paging and limits.
 *
 * Amounts inside the sandbox are integer minor units in a JS number (exact up to 2^53); the
 * simulators print them as the providers do (JSON numbers with two decimals).
 */
import type { FastifyInstance } from 'fastify';

export type PayerProfile = 'early' | 'on_time' | 'late' | 'very_late' | 'disputes' | 'never';

export interface WorldContact {
  id: string;
  customerId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  role: 'billing' | 'main';
}

export interface WorldCustomer {
  id: string; // stable, e.g. "C000042"
  name: string;
  email: string | null; // billing email
  phone: string | null;
  domain: string | null; // the domain of the billing email, when it has one
  country: string; // ISO 3166-1 alpha-2
  currency: string; // ISO 4217
  language: string; // "fr", "en", "de", "es"
  taxId: string | null;
  profile: PayerProfile;
  createdAt: string; // ISO instant
  updatedAt: string; // ISO instant
  contacts: WorldContact[];
}

export interface WorldAllocation {
  invoiceId: string;
  amountMinor: number;
}

export interface WorldInvoice {
  id: string; // stable, e.g. "I0000042"
  number: string;
  customerId: string;
  currency: string;
  issueDate: string; // YYYY-MM-DD
  dueDate: string; // YYYY-MM-DD
  totalMinor: number;
  balanceMinor: number; // open balance after the world's payments and credit notes
  status: 'draft' | 'open' | 'paid' | 'void';
  lines: { description: string; amountMinor: number }[];
  createdAt: string;
  updatedAt: string;
}

export interface WorldPayment {
  id: string;
  customerId: string;
  date: string;
  currency: string;
  amountMinor: number;
  unappliedMinor: number;
  reference: string | null;
  allocations: WorldAllocation[];
  createdAt: string;
  updatedAt: string;
}

export interface WorldCreditNote {
  id: string;
  number: string;
  customerId: string;
  issueDate: string;
  currency: string;
  totalMinor: number;
  remainingMinor: number;
  allocations: WorldAllocation[];
  createdAt: string;
  updatedAt: string;
}

/** One accounting company (a QuickBooks realm or a Xero organisation). */
export interface WorldLedger {
  organizationName: string;
  homeCurrency: string;
  country: string;
  customers: WorldCustomer[];
  invoices: WorldInvoice[];
  payments: WorldPayment[];
  creditNotes: WorldCreditNote[];
}

export interface WorldCompany {
  id: string; // HubSpot object id (numeric string)
  name: string;
  domain: string | null;
  ownerId: string | null;
  /** The accounting customer this company stands for, when it stands for one (for tests, never served). */
  matchesCustomerId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WorldCrmContact {
  id: string;
  companyId: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WorldCrm {
  portalId: string;
  companies: WorldCompany[];
  contacts: WorldCrmContact[];
  owners: { id: string; email: string; firstName: string; lastName: string }[];
}

export interface World {
  seed: number;
  asOf: string; // YYYY-MM-DD: dates are relative to it
  quickbooks: WorldLedger;
  xero: WorldLedger;
  /** HubSpot: companies for most customers of the QuickBooks ledger, some ambiguous on purpose. */
  hubspot: WorldCrm;
}

export interface GenerateOptions {
  seed: number;
  /** Invoices per accounting ledger (10 .. 1,000,000). */
  invoices: number;
  asOf: string;
}

/** A rate-limit rule as a provider publishes it, per account (realm, tenant, portal). */
export type LimitRule =
  | { name: string; kind: 'window'; limit: number; windowMs: number }
  | { name: string; kind: 'concurrent'; limit: number };

/** `false` turns every limit off (quick demo); overrides scale a rule down for tests. */
export type LimitSettings = false | { overrides?: Record<string, { limit?: number; windowMs?: number }> };

export type FaultKind = 'server_error' | 'timeout' | 'rate_limit_storm' | 'token_expired' | 'token_revoked';

export interface Fault {
  kind: FaultKind;
  /** How many requests it hits before it clears itself; unset: until cleared. */
  count?: number;
  /** Only requests whose path starts with this. */
  pathPrefix?: string;
}

export interface WrittenBack {
  at: string; // ISO instant
  entity: string;
  id: string;
  what: string; // e.g. "sparse-update", "history", "batch-update", "note", "task"
  body: unknown;
}

/** What tests and the demo may do to a simulator from outside, as a user of the provider's UI would. */
export interface SimControl {
  /** Changes fields of a record as a user would: bumps its update time and fires the webhook. */
  editRecord(entity: string, id: string, patch: Record<string, unknown>): Promise<unknown>;
  /** Records a payment against invoices (ids of the world); bumps the invoices and fires webhooks. */
  recordPayment(input: {
    customerId: string;
    amountMinor: number;
    date: string;
    allocations: WorldAllocation[];
  }): Promise<unknown>;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  writtenBack(): WrittenBack[];
  /** Where webhooks go; null: none are sent. */
  setWebhookTarget(url: string | null): void;
}

export interface SimCredentials {
  [key: string]: string;
}

export interface SimulatorOptions {
  world: World;
  limits: LimitSettings;
  /** Milliseconds since the epoch; tests move it to expire tokens or reset daily caps. */
  now?: () => number;
}

export interface Simulator {
  app: FastifyInstance;
  control: SimControl;
  /** Filled in as FORMATS.md's `relance sandbox --json` shows, less `baseUrl` (known once listening). */
  credentials: SimCredentials;
}
