/** The write-back vocabulary, in core/ so that the outbox needs no connector to read its rows. */
import { z } from 'zod';

/**
 * The write-back vocabulary: every change Relance writes to a provider, defined once. An outbox
 * row's `kind` column is the change's `kind` and its `payload` the rest; the push job parses
 * `{ kind, ...payload }` with `pushChangeSchema` before handing it to `push`.
 *
 * What each provider writes for each kind (ARCHITECTURE §8). "Not possible" answers with an
 * `InvalidInput` naming the kind: the outbox parks the row, visible to an admin, never lost.
 *
 * | kind                   | QuickBooks                                   | Xero                                  | HubSpot                         |
 * |------------------------|----------------------------------------------|---------------------------------------|---------------------------------|
 * | set_dunning_stage      | invoice custom field (extra.stageFieldId) + private note line | invoice history note | not possible (company-level: set_company_properties) |
 * | set_disputed           | invoice custom field (extra.disputeFieldId) + private note line | history note (dispute opened/closed) | not possible (set_company_properties { disputed }) |
 * | reminder_sent          | private note line                            | history note                          | not possible (company-level: add_company_note) |
 * | promise_recorded       | private note line                            | history note                          | not possible (set_company_properties { promiseDate }) |
 * | apply_payment          | Payment sparse update: a Line with LinkedTxn to each invoice; a credit memo: a new $0 Payment linking the invoices and the credit memo | overpayment, prepayment, credit note: PUT …/Allocations; a payment: not possible (a Xero payment pays one invoice) | not possible |
 * | set_company_properties | not possible                                 | not possible                          | batch update of the "relance_*" properties |
 * | add_company_note       | not possible                                 | not possible                          | note on the company timeline (association 190) |
 * | create_owner_task      | not possible                                 | not possible                          | task for the company owner (association 192, hubspot_owner_id) |
 * | post_fee_invoice       | a new Invoice (POST /invoice, `requestid`)    | a new ACCREC invoice (PUT /Invoices, `Idempotency-Key`) | not possible |
 */
const externalId = z.string().min(1);
const isoDay = z.iso.date();
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1250.00"');
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code');
const optionalText = z.string().nullish();

export const pushChangeSchema = z.discriminatedUnion('kind', [
  /** The dunning step an invoice has reached ("Step 2 reminder-1"). */
  z.object({ kind: z.literal('set_dunning_stage'), invoiceExternalId: externalId, stage: z.string().min(1), note: optionalText }),
  /** A dispute opened (`disputed: true`) or closed (`false`) on an invoice. */
  z.object({ kind: z.literal('set_disputed'), invoiceExternalId: externalId, disputed: z.boolean(), note: optionalText }),
  /** A reminder went out about this invoice: a note. `step` names it ("standard#2 reminder-1"). */
  z.object({ kind: z.literal('reminder_sent'), invoiceExternalId: externalId, step: z.string().min(1), channel: z.string().min(1), date: isoDay }),
  /** The customer promised to pay `amount` by `date`: a note on each of its open invoices. */
  z.object({ kind: z.literal('promise_recorded'), invoiceExternalId: externalId, amount: decimal, currency: currencyCode, date: isoDay }),
  /** Unapplied money applied to invoices (an accepted suggestion of core/unapplied). */
  z.object({
    kind: z.literal('apply_payment'),
    source: z.enum(['payment', 'credit_note', 'overpayment', 'prepayment']),
    sourceExternalId: externalId,
    currency: currencyCode,
    applications: z.array(z.object({ invoiceExternalId: externalId, amount: decimal })).min(1),
  }),
  /** The CRM company's Relance properties; only the properties given are written. */
  z.object({
    kind: z.literal('set_company_properties'),
    companyExternalId: externalId,
    properties: z.object({
      stage: z.string().nullable().optional(),
      overdueAmount: decimal.nullable().optional(),
      currency: currencyCode.nullable().optional(),
      oldestOverdueDays: z.number().int().nullable().optional(),
      disputed: z.boolean().optional(),
      paused: z.boolean().optional(),
      nextAction: z.string().nullable().optional(),
      nextActionDate: isoDay.nullable().optional(),
      promiseDate: isoDay.nullable().optional(),
      portalLink: z.string().nullable().optional(),
      // Credit (core/credit): what a salesperson must see before quoting.
      creditLimit: z.string().nullable().optional(),
      creditHold: z.boolean().optional(),
      creditHoldReason: z.string().nullable().optional(),
      amountOverLimit: z.string().nullable().optional(),
    }),
  }),
  /** A reminder sent, on the CRM company's timeline: plain text (the connector escapes it). */
  z.object({ kind: z.literal('add_company_note'), companyExternalId: externalId, body: z.string().min(1), timestamp: z.iso.datetime({ offset: true }) }),
  /**
   * An escalation (or a task/call step) as work for the company owner, due on `dueDate`. The
   * owner is the one known when the change was queued; without one the task is unassigned.
   */
  z.object({
    kind: z.literal('create_owner_task'),
    companyExternalId: externalId,
    subject: z.string().min(1),
    body: z.string().min(1),
    dueDate: isoDay,
    ownerExternalId: z.string().min(1).nullish(),
  }),
  /**
   * Late fees (core/credit/fee-postings) approved for posting: a new invoice to the customer in the
   * accounting system, one line per fee, referring to the late invoice. The outbox key, passed as
   * the provider's idempotency key, makes a retried push answer with the first invoice.
   */
  z.object({
    kind: z.literal('post_fee_invoice'),
    feePostingId: z.uuid(),
    customerExternalId: externalId,
    invoiceExternalId: externalId,
    invoiceNumber: z.string().min(1),
    currency: currencyCode,
    date: isoDay,
    dueDate: isoDay,
    lines: z.array(z.object({ fee: z.enum(['interest', 'fixed']), description: z.string().min(1).max(1000), amount: decimal })).min(1),
  }),
]);

/** A change to write back to the provider (from the outbox). */
export type PushChange = z.infer<typeof pushChangeSchema>;
export type PushChangeKind = PushChange['kind'];
export const PUSH_CHANGE_KINDS: readonly PushChangeKind[] = pushChangeSchema.options.map((o) => o.shape.kind.value);
