/**
 * The canonical records of FORMATS.md, field by field, in the order they are printed. The kind of a
 * field decides the final normalization every mapped value goes through, whatever the mapping says,
 * so that the engine's output is canonical by construction.
 */
import type { PostalAddress } from '../store/schema/columns.ts';

export type FieldKind =
  | 'id'
  | 'string'
  | 'money'
  | 'date'
  | 'instant'
  | 'boolean'
  | 'currency'
  | 'status'
  | 'role'
  | 'allocations'
  /** ISO 3166-1 alpha-2 from whatever the provider wrote; an unknown country reads as null, never a rejection. */
  | 'country'
  /** ISO 639-1 from a provider's language tag or name. */
  | 'language'
  /** A postal address (`PostalAddress` of core/store/schema/columns.ts). */
  | 'address';

export const ENTITIES = ['customer', 'contact', 'invoice', 'payment', 'creditNote', 'company'] as const;
export type EntityName = (typeof ENTITIES)[number];

export const CANONICAL_FIELDS: Record<EntityName, Readonly<Record<string, FieldKind>>> = {
  customer: {
    externalId: 'id',
    name: 'string',
    email: 'string',
    phone: 'string',
    currency: 'currency',
    balance: 'money',
    country: 'country',
    language: 'language',
    taxId: 'string',
    active: 'boolean',
    updatedAt: 'instant',
    // The country as the provider wrote it ("USA", "United Kingdom"), kept beside the ISO code.
    countryRaw: 'string',
    address: 'address',
  },
  contact: {
    externalId: 'id',
    customerExternalId: 'id',
    name: 'string',
    email: 'string',
    phone: 'string',
    role: 'role',
    language: 'language',
  },
  invoice: {
    externalId: 'id',
    number: 'string',
    customerExternalId: 'id',
    issueDate: 'date',
    dueDate: 'date',
    currency: 'currency',
    total: 'money',
    balance: 'money',
    status: 'status',
    updatedAt: 'instant',
  },
  payment: {
    externalId: 'id',
    customerExternalId: 'id',
    date: 'date',
    currency: 'currency',
    amount: 'money',
    unapplied: 'money',
    reference: 'string',
    allocations: 'allocations',
    updatedAt: 'instant',
  },
  creditNote: {
    externalId: 'id',
    customerExternalId: 'id',
    number: 'string',
    issueDate: 'date',
    currency: 'currency',
    total: 'money',
    remaining: 'money',
    allocations: 'allocations',
    updatedAt: 'instant',
  },
  // The CRM company, with the Relance properties that write-back keeps on it, read back.
  company: {
    externalId: 'id',
    name: 'string',
    domain: 'string',
    ownerExternalId: 'id',
    updatedAt: 'instant',
    relanceStage: 'string',
    relancePaused: 'boolean',
    relanceDisputed: 'boolean',
    relanceOverdueAmount: 'string',
    relanceNextAction: 'string',
    relancePromiseDate: 'date',
    // The registration number the company registry is asked about (core/credit/registry), as sales typed it.
    companyNumber: 'string',
    // The company's address (HubSpot address, address2, city, state, zip, country): fills a linked
    // customer's postal address when its ledger gave none.
    address: 'address',
  },
};

export const STATUSES = ['open', 'paid', 'void', 'draft', 'written_off'] as const;
export type InvoiceStatus = (typeof STATUSES)[number];

/** What a mapping says about a document's life before the balance is looked at. */
export const LIFECYCLES = ['issued', 'void', 'draft', 'written_off'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];

export const ROLES = ['billing', 'main'] as const;

export interface Allocation {
  invoiceExternalId: string;
  amount: string;
  /**
   * On a payment: this part is a credit note's application the payment lists, not the payment's
   * money (QuickBooks applies credit memos through a payment's CreditMemo lines).
   */
  creditNoteExternalId?: string;
}

/** Where letters go: the store's `PostalAddress`, one shape for the mapping, the store and the letters. */
export type CanonicalAddress = PostalAddress;

export type CanonicalValue = string | boolean | null | Allocation[] | CanonicalAddress;

/** One canonical record: `entity`, then every field of its entity in FORMATS.md order. */
export type CanonicalRecord = { entity: EntityName } & Record<string, CanonicalValue>;

export function isEntityName(value: string): value is EntityName {
  return (ENTITIES as readonly string[]).includes(value);
}
