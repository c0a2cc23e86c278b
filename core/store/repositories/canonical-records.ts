/**
 * The canonical records the store accepts (FORMATS.md), as zod schemas: amounts are decimal strings
 * next to a currency, dates `YYYY-MM-DD`, instants ISO 8601 with a zone, absent values `null`. A
 * record may also carry its source record (`raw`) and custom fields, kept as JSONB.
 */
import { z } from 'zod';
import { isCurrency } from '../../money.ts';

export const STORED_ENTITIES = ['customer', 'contact', 'invoice', 'payment', 'creditNote'] as const;
export type StoredEntity = (typeof STORED_ENTITIES)[number];

export function isStoredEntity(value: string): value is StoredEntity {
  return (STORED_ENTITIES as readonly string[]).includes(value);
}

const externalId = z.string().min(1);
const text = z.string().nullable().optional().default(null);
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string such as "1250.00"');
const day = z.iso.date();
const instant = z.iso.datetime({ offset: true });
const currency = z.string().refine(isCurrency, 'an ISO 4217 currency code');
const extras = {
  raw: z.unknown().optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
};

// `creditNoteExternalId`: a credit note's application that its payment lists (QuickBooks applies
// credit memos through payments); the amount is the credit's, not the payment's money.
export const allocationSchema = z.object({ invoiceExternalId: externalId, amount: decimal, creditNoteExternalId: externalId.optional() });

/** A postal address (`PostalAddress` of schema/columns.ts): lines, then the parts a letter lays out. */
export const postalAddressSchema = z.object({
  lines: z.array(z.string()),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  region: z.string().optional(),
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  countryRaw: z.string().optional(),
});

export const customerSchema = z.object({
  externalId,
  name: z.string().min(1),
  email: text,
  phone: text,
  currency: currency.nullable().optional().default(null),
  balance: decimal.nullable().optional().default(null),
  country: z.string().regex(/^[A-Z]{2}$/).nullable().optional().default(null),
  language: text,
  taxId: text,
  active: z.boolean().nullable().optional().default(true),
  updatedAt: instant.nullable().optional().default(null),
  // The provider's own text for the country ("USA"), kept beside the ISO code.
  countryRaw: text,
  address: postalAddressSchema.nullable().optional().default(null),
  ...extras,
});

export const contactSchema = z.object({
  externalId,
  customerExternalId: externalId.nullable().optional().default(null),
  name: text,
  email: text,
  phone: text,
  language: text,
  role: z.enum(['billing', 'main', 'other']).nullable().optional().default(null),
  updatedAt: instant.nullable().optional().default(null),
  ...extras,
});

export const invoiceSchema = z.object({
  externalId,
  number: text,
  customerExternalId: externalId,
  issueDate: day.nullable().optional().default(null),
  dueDate: day.nullable().optional().default(null),
  currency,
  total: decimal,
  balance: decimal,
  status: z.enum(['open', 'paid', 'void', 'draft', 'written_off']),
  disputed: z.boolean().optional(),
  updatedAt: instant.nullable().optional().default(null),
  ...extras,
});

export const paymentSchema = z.object({
  externalId,
  customerExternalId: externalId,
  date: day.nullable().optional().default(null),
  currency,
  amount: decimal,
  unapplied: decimal.nullable().optional().default(null),
  reference: text,
  allocations: z.array(allocationSchema).nullable().optional().default([]),
  updatedAt: instant.nullable().optional().default(null),
  ...extras,
});

export const creditNoteSchema = z.object({
  externalId,
  customerExternalId: externalId,
  number: text,
  issueDate: day.nullable().optional().default(null),
  currency,
  total: decimal,
  remaining: decimal.nullable().optional().default(null),
  allocations: z.array(allocationSchema).nullable().optional().default([]),
  updatedAt: instant.nullable().optional().default(null),
  ...extras,
});

export type CanonicalAllocation = z.infer<typeof allocationSchema>;
export type CanonicalCustomer = z.input<typeof customerSchema>;
export type CanonicalContact = z.input<typeof contactSchema>;
export type CanonicalInvoice = z.input<typeof invoiceSchema>;
export type CanonicalPayment = z.input<typeof paymentSchema>;
export type CanonicalCreditNote = z.input<typeof creditNoteSchema>;

export type ParsedCustomer = z.output<typeof customerSchema>;
export type ParsedContact = z.output<typeof contactSchema>;
export type ParsedInvoice = z.output<typeof invoiceSchema>;
export type ParsedPayment = z.output<typeof paymentSchema>;
export type ParsedCreditNote = z.output<typeof creditNoteSchema>;

/** What `upsertPage` takes for each entity. */
export interface CanonicalByEntity {
  customer: CanonicalCustomer;
  contact: CanonicalContact;
  invoice: CanonicalInvoice;
  payment: CanonicalPayment;
  creditNote: CanonicalCreditNote;
}
