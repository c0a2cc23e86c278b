/**
 * One accounting ledger (a QuickBooks company or a Xero organisation) of the world: customers,
 * invoices settled by their payer profiles, the payments and credit notes that settled them, and a
 * few unapplied payments (money received that nobody has matched yet).
 */
import { exponentOf } from '../../core/money.ts';
import type { WorldAllocation, WorldCreditNote, WorldInvoice, WorldLedger, WorldPayment } from '../shared/contract.ts';
import type { SeededRandom } from '../shared/seeded-random.ts';
import type { Calendar } from './calendar.ts';
import { generateCustomers, type GeneratedCustomer, type LedgerSpec } from './customers.ts';
import { stableOrderBy } from './counting-sort.ts';
import { draftInvoices, HISTORY_DAYS, invoiceCounts, type DraftedInvoices } from './invoices.ts';
import { SettlementLog, settleInvoice } from './settlement.ts';

export interface LedgerNumbering {
  invoice(n: number): string;
  creditNote(n: number): string;
  allowDrafts: boolean;
}

export interface GeneratedLedger {
  ledger: WorldLedger;
  customers: GeneratedCustomer[];
}

/** One payment to be: a customer's payment run on one day (events start..end of the sorted log), or money nobody matched. */
interface PaymentGroup {
  day: number;
  customerIndex: number;
  start: number;
  end: number;
  unappliedMinor: number;
}

/** Seconds into the business day (08:00–18:00 UTC) so that update times look like office work. */
function officeSecond(rng: SeededRandom): number {
  return rng.int(28_800, 64_799);
}

export function generateLedger(
  rng: SeededRandom,
  cal: Calendar,
  spec: LedgerSpec,
  numbering: LedgerNumbering,
  invoiceTotal: number,
): GeneratedLedger {
  const customers = generateCustomers(rng, cal, spec, Math.max(1, Math.round(invoiceTotal / 10)));
  const drafted = draftInvoices(rng, cal, customers, invoiceCounts(rng, customers, invoiceTotal), numbering.invoice);
  const log = new SettlementLog();
  settleAll(rng, cal, customers, drafted, numbering.allowDrafts, log);
  return {
    ledger: {
      organizationName: spec.organizationName,
      homeCurrency: spec.homeCurrency,
      country: spec.country,
      customers: customers.map((g) => g.customer),
      invoices: drafted.invoices,
      payments: buildPayments(rng, cal, customers, drafted, log),
      creditNotes: buildCreditNotes(rng, cal, drafted, log, numbering),
    },
    customers,
  };
}

function settleAll(
  rng: SeededRandom,
  cal: Calendar,
  customers: GeneratedCustomer[],
  drafted: DraftedInvoices,
  allowDrafts: boolean,
  log: SettlementLog,
): void {
  const inv = { index: 0, issueDay: 0, dueDay: 0, totalMinor: 0 };
  for (let i = 0; i < drafted.invoices.length; i++) {
    const invoice: WorldInvoice = drafted.invoices[i]!;
    inv.index = i;
    inv.issueDay = drafted.issueDay[i]!;
    inv.dueDay = drafted.dueDay[i]!;
    inv.totalMinor = invoice.totalMinor;
    const s = settleInvoice(rng, inv, customers[drafted.customerIndex[i]!]!.customer.profile, allowDrafts, log);
    invoice.status = s.status;
    invoice.balanceMinor = s.balanceMinor;
    if (s.lastDay !== inv.issueDay) invoice.updatedAt = cal.instant(s.lastDay, officeSecond(rng));
  }
}

/**
 * One payment per customer and day, covering every invoice paid that day (a customer's payment run),
 * now and then with a little more than owed (unapplied), plus a few payments nobody has matched.
 */
function buildPayments(
  rng: SeededRandom,
  cal: Calendar,
  customers: GeneratedCustomer[],
  drafted: DraftedInvoices,
  log: SettlementLog,
): WorldPayment[] {
  const owner = (e: number): number => drafted.customerIndex[log.payInvoice[e]!]!;
  // The log is in invoice order: sorting by customer, then by day (both stable) orders by day, customer, invoice.
  const byCustomer = stableOrderBy(log.payDay.length, owner, 0, customers.length - 1);
  const events = stableOrderBy(log.payDay.length, (e) => log.payDay[e]!, -HISTORY_DAYS, 0, byCustomer);
  const groups: PaymentGroup[] = [];
  for (let s = 0; s < events.length; ) {
    let e = s + 1;
    while (e < events.length && log.payDay[events[e]!] === log.payDay[events[s]!] && owner(events[e]!) === owner(events[s]!)) e++;
    groups.push({ day: log.payDay[events[s]!]!, customerIndex: owner(events[s]!), start: s, end: e, unappliedMinor: 0 });
    s = e;
  }
  for (const g of groups) {
    if (!rng.chance(0.02)) continue;
    let paid = 0;
    for (let k = g.start; k < g.end; k++) paid += log.payAmount[events[k]!]!;
    g.unappliedMinor = Math.max(1, Math.round(paid * 0.05));
  }
  for (let ci = 0; ci < customers.length; ci++) {
    if (!rng.chance(0.03)) continue;
    const unit = 10 ** exponentOf(customers[ci]!.customer.currency);
    groups.push({ day: -rng.int(0, 90), customerIndex: ci, start: 0, end: 0, unappliedMinor: Math.round(rng.logNormal(500, 0.7)) * unit });
  }
  // Payment runs were listed before unmatched money, and the sorts are stable: runs come first on a tie.
  const byGroupCustomer = stableOrderBy(groups.length, (i) => groups[i]!.customerIndex, 0, customers.length - 1);
  const sorted = stableOrderBy(groups.length, (i) => groups[i]!.day, -HISTORY_DAYS, 0, byGroupCustomer);
  return Array.from(sorted, (gi, i) => {
    const g = groups[gi]!;
    const c = customers[g.customerIndex]!.customer;
    const allocations: WorldAllocation[] = [];
    let applied = 0;
    for (let k = g.start; k < g.end; k++) {
      const e = events[k]!;
      allocations.push({ invoiceId: drafted.invoices[log.payInvoice[e]!]!.id, amountMinor: log.payAmount[e]! });
      applied += log.payAmount[e]!;
    }
    const at = cal.instant(g.day, officeSecond(rng));
    return {
      id: `P${String(i + 1).padStart(7, '0')}`,
      customerId: c.id,
      date: cal.date(g.day),
      currency: c.currency,
      amountMinor: applied + g.unappliedMinor,
      unappliedMinor: g.unappliedMinor,
      reference: paymentReference(rng, i),
      allocations,
      createdAt: at,
      updatedAt: at,
    };
  });
}

function paymentReference(rng: SeededRandom, i: number): string | null {
  const kind = rng.int(0, 4);
  if (kind === 0) return null;
  if (kind === 1) return `CHK ${10_000 + i}`;
  if (kind === 2) return `WIRE-${rng.string(8, '0123456789ABCDEF')}`;
  return `ACH ${rng.string(10, '0123456789')}`;
}

function buildCreditNotes(
  rng: SeededRandom,
  cal: Calendar,
  drafted: DraftedInvoices,
  log: SettlementLog,
  numbering: LedgerNumbering,
): WorldCreditNote[] {
  // The log is in invoice order already: a stable sort by day gives day, then invoice.
  const order = stableOrderBy(log.creditDay.length, (e) => log.creditDay[e]!, -HISTORY_DAYS, 0);
  return Array.from(order, (e, i) => {
    const invoice = drafted.invoices[log.creditInvoice[e]!]!;
    const applied = log.creditApplied[e]!;
    const at = cal.instant(log.creditDay[e]!, officeSecond(rng));
    return {
      id: `N${String(i + 1).padStart(7, '0')}`,
      number: numbering.creditNote(i + 1),
      customerId: invoice.customerId,
      issueDate: cal.date(log.creditDay[e]!),
      currency: invoice.currency,
      totalMinor: log.creditTotal[e]!,
      remainingMinor: log.creditTotal[e]! - applied,
      allocations: applied > 0 ? [{ invoiceId: invoice.id, amountMinor: applied }] : [],
      createdAt: at,
      updatedAt: at,
    };
  });
}
