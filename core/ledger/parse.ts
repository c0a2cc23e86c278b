/** From the JSON of a ledger file to the validated in-memory `Ledger`. */
import type { z } from 'zod';
import { InvalidInput } from '../errors.ts';
import { toMinor } from '../money.ts';
import { parsePercent } from '../fees/rate.ts';
import type { LatePaymentPolicy } from '../fees/policy.ts';
import { checkLedger } from './cross-checks.ts';
import type {
  Customer, CustomerLedger, Invoice, InvoiceAllocation, Ledger, Organization, PromiseToPay, Scenario,
} from './model.ts';
import { ledgerFileShape, type LedgerFile } from './schema.ts';

/** `['invoices', 3, 'dueDate']` → `invoices[3].dueDate`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(the file)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown field`).join('; ');
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${formatPath(issue.path)}: is required`;
  return `${formatPath(issue.path)}: ${issue.message}`;
}

function refuse(problems: readonly { path: readonly PropertyKey[]; text: string }[]): never {
  const [first, ...rest] = problems;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  throw new InvalidInput(`${first ? first.text : 'invalid ledger'}${more}`, { field: first ? formatPath(first.path) : undefined });
}

/**
 * Validates a parsed JSON ledger file; throws one InvalidInput naming the first problem's place.
 * Two phases: the cross-record checks only run on a structurally valid file, since they read dates
 * and amounts that the first phase vouches for.
 */
export function parseLedger(json: unknown): Ledger {
  const result = ledgerFileShape.safeParse(json, { reportInput: true });
  if (!result.success) refuse(result.error.issues.map((issue) => ({ path: issue.path, text: describeIssue(issue) })));
  const problems = checkLedger(result.data);
  if (problems.length > 0) refuse(problems.map((p) => ({ path: p.path, text: `${formatPath(p.path)}: ${p.message}` })));
  return toLedger(result.data);
}

function toPolicy(file: LedgerFile): LatePaymentPolicy {
  const lp = file.organization.latePayment;
  if (!lp || lp.policy === 'NONE') return { policy: 'NONE' };
  if (lp.policy === 'CUSTOM') {
    const currency = file.organization.currency;
    return {
      policy: 'CUSTOM',
      annualRate: parsePercent(lp.annualRate ?? '0'),
      fixedAmount: toMinor(lp.fixedAmount ?? '0', currency),
      fixedCurrency: currency,
    };
  }
  const referenceRates = (lp.referenceRates ?? [])
    .map((r) => ({ from: r.from, rate: parsePercent(r.rate) }))
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  return { policy: lp.policy, referenceRates };
}

function toOrganization(file: LedgerFile): Organization {
  const o = file.organization;
  return {
    name: o.name,
    country: o.country ?? null,
    currency: o.currency,
    timezone: o.timezone ?? null,
    language: o.language ?? null,
    latePayment: toPolicy(file),
    businessDaysOnly: o.businessDaysOnly ?? false,
  };
}

function toScenarios(file: LedgerFile): Scenario[] {
  return (file.scenarios ?? []).map((sc) => {
    const seg = sc.segment ?? {};
    const segment: Scenario['segment'] = {
      ...(seg.tags !== undefined && { tags: seg.tags }),
      ...(seg.country !== undefined && { country: typeof seg.country === 'string' ? [seg.country] : seg.country }),
      ...(seg.minOverdue !== undefined && { minOverdue: toMinor(seg.minOverdue, file.organization.currency) }),
    };
    const steps = sc.steps.map((s) => ({ ...s, requiresApproval: s.requiresApproval ?? false }));
    return { name: sc.name, segment, steps };
  });
}

function toInvoices(file: LedgerFile): Invoice[] {
  const allocations = new Map<string, InvoiceAllocation[]>();
  for (const pay of file.payments ?? []) {
    for (const a of pay.allocations) {
      const list = allocations.get(a.invoiceExternalId) ?? [];
      list.push({ date: pay.date, amount: toMinor(a.amount, pay.currency) });
      allocations.set(a.invoiceExternalId, list);
    }
  }
  const done = new Map<string, number[]>();
  for (const d of file.done ?? []) done.set(d.invoiceExternalId, [...(done.get(d.invoiceExternalId) ?? []), d.step]);
  return file.invoices.map((inv) => ({
    externalId: inv.externalId,
    number: inv.number,
    customerExternalId: inv.customerExternalId,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    currency: inv.currency,
    total: toMinor(inv.total, inv.currency),
    disputed: inv.disputed ?? false,
    void: inv.status === 'void' || inv.status === 'draft' || inv.status === 'written_off',
    allocations: (allocations.get(inv.externalId) ?? []).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    doneSteps: done.get(inv.externalId) ?? [],
  }));
}

function toLedger(file: LedgerFile): Ledger {
  const organization = toOrganization(file);
  const invoices = toInvoices(file);
  const customers = file.customers.map(
    (c): Customer => ({
      externalId: c.externalId,
      name: c.name,
      email: c.email ?? null,
      phone: c.phone ?? null,
      language: c.language ?? null,
      country: c.country ?? null,
      tags: c.tags ?? [],
      paused: c.paused ?? false,
    }),
  );
  const promises = (file.promises ?? []).map(
    (p): PromiseToPay => {
      const currency = p.currency ?? organization.currency;
      return { customerExternalId: p.customerExternalId, date: p.date, amount: toMinor(p.amount, currency), currency };
    },
  );
  const ledgers: CustomerLedger[] = customers.map((customer) => ({
    customer,
    invoices: invoices.filter((inv) => inv.customerExternalId === customer.externalId),
    promises: promises.filter((p) => p.customerExternalId === customer.externalId),
  }));
  return { organization, customers: ledgers, scenarios: toScenarios(file) };
}
