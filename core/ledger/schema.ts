/**
 * The zod schema of the ledger file (FORMATS.md, "The ledger file"). Strict: an unknown field is
 * an error, so a typo (`dueDte`) is caught instead of silently meaning "absent". Amounts are
 * decimal strings, never JSON numbers, so that they reach `toMinor` exactly as written. Checks that
 * need the whole file (references, currencies, dates against each other) are in `cross-checks.ts`.
 */
import { z } from 'zod';
import { isIsoDate } from '../calendar/index.ts';
import { isCurrency } from '../money.ts';
import { POLICY_NAMES } from '../fees/policy.ts';
import { STEP_ACTIONS } from './model.ts';

const text = z.string({ error: 'must be a string' });
const id = text.min(1, 'must not be empty');
const optionalText = text.nullable().optional();

export const amountSchema = text
  .refine((s) => !s.trim().startsWith('-'), { message: 'must not be negative' })
  .refine((s) => /^\s*\d+(\.\d+)?\s*$/.test(s) || s.trim().startsWith('-'), {
    message: 'must be a decimal string such as "1250.00"',
  });
const percentSchema = text.regex(/^-?\d+(\.\d+)?$/, 'must be a decimal percentage such as "2.15"');
// The engine adds offsets and grace days to these dates: a year past 2999 would overflow the
// four-digit dates it computes with, so it is refused here, naming the field, rather than deep inside.
export const LEDGER_DATE_RANGE = { from: '1900-01-01', to: '2999-12-31' } as const;
const dateSchema = text
  .refine(isIsoDate, { message: 'must be a date written YYYY-MM-DD' })
  .refine((d) => !isIsoDate(d) || (d >= LEDGER_DATE_RANGE.from && d <= LEDGER_DATE_RANGE.to), { message: `must be a date from ${LEDGER_DATE_RANGE.from} to ${LEDGER_DATE_RANGE.to}` });
const currencySchema = text.refine(isCurrency, { error: (iss) => `unknown currency "${String(iss.input)}"` });
const bool = z.boolean({ error: 'must be true or false' });

const latePaymentSchema = z.strictObject({
  policy: z.enum(POLICY_NAMES, { error: `must be one of ${POLICY_NAMES.join(', ')}` }),
  referenceRates: z.array(z.strictObject({ from: dateSchema, rate: percentSchema })).optional(),
  /** CUSTOM only: the annual rate in percent. */
  annualRate: percentSchema.optional(),
  /** CUSTOM only: fixed compensation per overdue invoice, in the organization's currency. */
  fixedAmount: amountSchema.optional(),
});

const organizationSchema = z.strictObject({
  name: text,
  country: optionalText,
  currency: currencySchema,
  timezone: optionalText,
  language: optionalText,
  latePayment: latePaymentSchema.optional(),
  businessDaysOnly: bool.optional(),
});

const customerSchema = z.strictObject({
  externalId: id,
  name: text,
  // Not checked as an address: a ledger extract may carry placeholders, and the sender validates.
  email: optionalText,
  phone: optionalText,
  language: optionalText,
  country: optionalText,
  tags: z.array(text).optional(),
  paused: bool.optional(),
});

const INVOICE_STATUSES = ['open', 'paid', 'void', 'draft', 'written_off'] as const;

const invoiceSchema = z.strictObject({
  externalId: id,
  number: text,
  customerExternalId: id,
  issueDate: dateSchema,
  dueDate: dateSchema,
  currency: currencySchema,
  total: amountSchema,
  disputed: bool.optional(),
  /** Optional; `paid` is derived from the allocations anyway, `void`/`draft`/`written_off` exclude it. */
  status: z.enum(INVOICE_STATUSES, { error: `must be one of ${INVOICE_STATUSES.join(', ')}` }).optional(),
});

const paymentSchema = z.strictObject({
  externalId: id,
  customerExternalId: id,
  date: dateSchema,
  currency: currencySchema,
  amount: amountSchema,
  allocations: z.array(z.strictObject({ invoiceExternalId: id, amount: amountSchema })),
});

const promiseSchema = z.strictObject({
  customerExternalId: id,
  date: dateSchema,
  amount: amountSchema,
  /** Defaults to the organization's currency. */
  currency: currencySchema.optional(),
});

const doneSchema = z.strictObject({
  invoiceExternalId: id,
  step: z.number({ error: 'must be a step number' }).int('must be a whole step number').min(1, 'steps count from 1'),
});

const segmentSchema = z.strictObject({
  tags: z.array(text).optional(),
  country: z.union([text, z.array(text)], { error: 'must be a country code or a list of them' }).optional(),
  /** In the organization's currency. */
  minOverdue: amountSchema.optional(),
});

const stepSchema = z.strictObject({
  offsetDays: z.number({ error: 'must be a number of days' }).int('must be a whole number of days'),
  action: z.enum(STEP_ACTIONS, { error: `must be one of ${STEP_ACTIONS.join(', ')}` }),
  template: id,
  requiresApproval: bool.optional(),
});

const scenarioSchema = z.strictObject({
  name: id,
  segment: segmentSchema.optional(),
  steps: z.array(stepSchema).min(1, 'a scenario needs at least one step'),
});

export const ledgerFileShape = z.strictObject({
  organization: organizationSchema,
  customers: z.array(customerSchema),
  invoices: z.array(invoiceSchema),
  payments: z.array(paymentSchema).optional(),
  promises: z.array(promiseSchema).optional(),
  done: z.array(doneSchema).optional(),
  scenarios: z.array(scenarioSchema).optional(),
});

/** The ledger file as written, after structural validation (amounts still strings). */
export type LedgerFile = z.output<typeof ledgerFileShape>;
