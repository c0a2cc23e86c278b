/**
 * How each canonical entity becomes rows of its table: the columns a page is sent as (one array per
 * column, so a page is one statement whatever its size) and the conversion of one parsed record.
 * Amounts become bigint minor units through core/money.ts, never through a float.
 */
import type { z } from 'zod';
import { InvalidInput } from '../../errors.ts';
import { toMinor } from '../../money.ts';
import {
  contactSchema,
  creditNoteSchema,
  customerSchema,
  invoiceSchema,
  paymentSchema,
  type ParsedContact,
  type ParsedCreditNote,
  type ParsedCustomer,
  type ParsedInvoice,
  type ParsedPayment,
  type StoredEntity,
} from './canonical-records.ts';

/** The PostgreSQL array type a column travels as; `cast` turns the element into the column's type. */
export interface ColumnSpec {
  name: string;
  type: 'text' | 'date' | 'timestamptz' | 'int8' | 'bool';
  cast?: string;
}

export type Cell = string | boolean | null;

export interface AllocationRow {
  invoiceExternalId: string;
  amountMinor: string;
  /** A credit note's application listed by its payment (source `credit_note`, `via_payment_id`). */
  creditNoteExternalId?: string;
}

export interface EntitySpec<P> {
  table: string;
  schema: z.ZodType<P>;
  /** `external_id` first; `customer_external_id` next when the entity belongs to a customer. */
  columns: readonly ColumnSpec[];
  linksCustomer: boolean;
  /** Names the field in error messages: `field('total')` → `invoice[3] (externalId "I3").total`. */
  toRow(record: P, field: (name: string) => string): Cell[];
  /** Extra `column = expression` assignments of an update (`t` the stored row, `EXCLUDED` the new one). */
  onUpdate?: readonly string[];
  allocations?: {
    source: 'payment' | 'credit_note';
    parentColumn: 'payment_id' | 'credit_note_id';
    of(record: P, field: (name: string) => string): AllocationRow[];
    date(record: P): string | null;
  };
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));
/**
 * The field's name is built only when the amount is refused: naming every amount of a page
 * (`invoice[3] (externalId "I3").total`) cost a string per amount for errors that almost never come.
 */
const money = (value: string, currency: string, field: () => string): string => {
  try {
    return toMinor(value, currency, '').toString();
  } catch {
    return toMinor(value, currency, field()).toString();
  }
};

const common = {
  head: [
    { name: 'external_id', type: 'text' },
    { name: 'customer_external_id', type: 'text' },
    { name: 'currency', type: 'text' },
  ] as const satisfies readonly ColumnSpec[],
  tail: [
    { name: 'source_updated_at', type: 'timestamptz' },
    { name: 'raw', type: 'text', cast: 'jsonb' },
  ] as const satisfies readonly ColumnSpec[],
};

function allocationRows(
  list: { invoiceExternalId: string; amount: string; creditNoteExternalId?: string | undefined }[] | null,
  currency: string,
  field: (name: string) => string,
): AllocationRow[] {
  return (list ?? []).map((a, i) => ({
    invoiceExternalId: a.invoiceExternalId,
    amountMinor: money(a.amount, currency, () => field(`allocations[${i}].amount`)),
    ...(a.creditNoteExternalId ? { creditNoteExternalId: a.creditNoteExternalId } : {}),
  }));
}

export const customerSpec: EntitySpec<ParsedCustomer> = {
  table: 'customers',
  schema: customerSchema,
  linksCustomer: false,
  columns: [
    { name: 'external_id', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'email', type: 'text' },
    { name: 'phone', type: 'text' },
    { name: 'currency', type: 'text' },
    { name: 'balance_minor', type: 'int8' },
    { name: 'country', type: 'text' },
    { name: 'language', type: 'text' },
    { name: 'tax_id', type: 'text' },
    { name: 'active', type: 'bool' },
    { name: 'custom_fields', type: 'text', cast: 'jsonb' },
    { name: 'country_raw', type: 'text' },
    { name: 'postal_address', type: 'text', cast: 'jsonb' },
    ...common.tail,
  ],
  toRow(r, field) {
    let balance: string | null = null;
    if (r.balance !== null) {
      // A balance means nothing without its currency; the mapping must supply the home currency.
      if (r.currency === null) throw new InvalidInput(`${field('balance')}: a balance needs a currency`, { field: field('balance') });
      balance = money(r.balance, r.currency, () => field('balance'));
    }
    return [
      r.externalId,
      r.name,
      r.email,
      r.phone,
      r.currency,
      balance,
      r.country,
      r.language,
      r.taxId,
      r.active ?? true,
      json(r.customFields ?? {}),
      r.countryRaw,
      json(r.address),
      r.updatedAt,
      json(r.raw),
    ];
  },
};

export const contactSpec: EntitySpec<ParsedContact> = {
  table: 'contacts',
  schema: contactSchema,
  linksCustomer: true,
  columns: [
    { name: 'external_id', type: 'text' },
    { name: 'customer_external_id', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'email', type: 'text' },
    { name: 'phone', type: 'text' },
    { name: 'language', type: 'text' },
    { name: 'role', type: 'text', cast: 'contact_role' },
    ...common.tail,
  ],
  toRow: (r) => [
    r.externalId,
    r.customerExternalId,
    r.name,
    r.email,
    r.phone,
    r.language,
    r.role ?? 'main',
    r.updatedAt,
    json(r.raw),
  ],
};

export const invoiceSpec: EntitySpec<ParsedInvoice> = {
  table: 'invoices',
  schema: invoiceSchema,
  linksCustomer: true,
  // The portal's payment link is Relance's, not the source's: kept while the invoice stays open,
  // cleared once it is paid or void so that a reopened invoice is asked again.
  onUpdate: [
    `payment_url = CASE WHEN EXCLUDED.status = 'open' THEN t.payment_url END`,
    `payment_url_checked_at = CASE WHEN EXCLUDED.status = 'open' THEN t.payment_url_checked_at END`,
  ],
  columns: [
    ...common.head,
    { name: 'number', type: 'text' },
    { name: 'issue_date', type: 'date' },
    { name: 'due_date', type: 'date' },
    { name: 'total_minor', type: 'int8' },
    { name: 'balance_minor', type: 'int8' },
    { name: 'status', type: 'text', cast: 'invoice_status' },
    { name: 'custom_fields', type: 'text', cast: 'jsonb' },
    ...common.tail,
  ],
  toRow: (r, field) => [
    r.externalId,
    r.customerExternalId,
    r.currency,
    r.number,
    r.issueDate,
    r.dueDate,
    money(r.total, r.currency, () => field('total')),
    money(r.balance, r.currency, () => field('balance')),
    r.status,
    json(r.customFields ?? {}),
    r.updatedAt,
    json(r.raw),
  ],
};

export const paymentSpec: EntitySpec<ParsedPayment> = {
  table: 'payments',
  schema: paymentSchema,
  linksCustomer: true,
  columns: [
    ...common.head,
    { name: 'date', type: 'date' },
    { name: 'amount_minor', type: 'int8' },
    { name: 'unapplied_minor', type: 'int8' },
    { name: 'reference', type: 'text' },
    ...common.tail,
  ],
  toRow: (r, field) => [
    r.externalId,
    r.customerExternalId,
    r.currency,
    r.date,
    money(r.amount, r.currency, () => field('amount')),
    money(r.unapplied ?? '0', r.currency, () => field('unapplied')),
    r.reference,
    r.updatedAt,
    json(r.raw),
  ],
  allocations: {
    source: 'payment',
    parentColumn: 'payment_id',
    of: (r, field) => allocationRows(r.allocations, r.currency, field),
    date: (r) => r.date,
  },
};

export const creditNoteSpec: EntitySpec<ParsedCreditNote> = {
  table: 'credit_notes',
  schema: creditNoteSchema,
  linksCustomer: true,
  columns: [
    ...common.head,
    { name: 'number', type: 'text' },
    { name: 'issue_date', type: 'date' },
    { name: 'total_minor', type: 'int8' },
    { name: 'remaining_minor', type: 'int8' },
    ...common.tail,
  ],
  toRow: (r, field) => [
    r.externalId,
    r.customerExternalId,
    r.currency,
    r.number,
    r.issueDate,
    money(r.total, r.currency, () => field('total')),
    // No `remaining` from the source: nothing known to be applied yet, so all of it remains.
    money(r.remaining ?? r.total, r.currency, () => field('remaining')),
    r.updatedAt,
    json(r.raw),
  ],
  allocations: {
    source: 'credit_note',
    parentColumn: 'credit_note_id',
    of: (r, field) => allocationRows(r.allocations, r.currency, field),
    date: (r) => r.issueDate,
  },
};

export interface ParsedByEntity {
  customer: ParsedCustomer;
  contact: ParsedContact;
  invoice: ParsedInvoice;
  payment: ParsedPayment;
  creditNote: ParsedCreditNote;
}

export const ENTITY_SPECS: { [E in StoredEntity]: EntitySpec<ParsedByEntity[E]> } = {
  customer: customerSpec,
  contact: contactSpec,
  invoice: invoiceSpec,
  payment: paymentSpec,
  creditNote: creditNoteSpec,
};
