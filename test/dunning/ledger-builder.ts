/**
 * Small ledger files for tests, written as the JSON a user would write and parsed through the real
 * schema, so every test also exercises the file format.
 */
import { parseLedger, type Ledger } from '../../core/ledger/index.ts';

type Json = Record<string, unknown>;

export const STANDARD_STEPS = [
  { offsetDays: -3, action: 'email', template: 'courtesy' },
  { offsetDays: 7, action: 'email', template: 'reminder-1' },
  { offsetDays: 21, action: 'email', template: 'reminder-2', requiresApproval: true },
  { offsetDays: 45, action: 'letter', template: 'formal-notice' },
];

export function customer(externalId: string, extra: Json = {}): Json {
  return { externalId, name: `Customer ${externalId}`, email: `${externalId.toLowerCase()}@example.com`, ...extra };
}

export function invoice(externalId: string, customerExternalId: string, dueDate: string, total: string, extra: Json = {}): Json {
  return {
    externalId, number: `N-${externalId}`, customerExternalId, issueDate: '2025-01-01', dueDate, currency: 'EUR', total, ...extra,
  };
}

export function payment(externalId: string, customerExternalId: string, date: string, invoiceExternalId: string, amount: string): Json {
  return { externalId, customerExternalId, date, currency: 'EUR', amount, allocations: [{ invoiceExternalId, amount }] };
}

/** A ledger file with no fees, calendar days, the standard scenario; override any top-level part. */
export function ledgerFile(parts: Json = {}): Json {
  const { organization, ...rest } = parts;
  return {
    organization: {
      name: 'Test SAS', country: 'FR', currency: 'EUR', latePayment: { policy: 'NONE' }, businessDaysOnly: false,
      ...(organization as Json | undefined),
    },
    customers: [],
    invoices: [],
    scenarios: [{ name: 'standard', segment: {}, steps: STANDARD_STEPS }],
    ...rest,
  };
}

export function ledger(parts: Json = {}): Ledger {
  return parseLedger(ledgerFile(parts));
}
