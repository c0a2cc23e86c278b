/**
 * Group reports: every member organization's ledgers converted into the group's reporting currency
 * at the rates in force on the report's date, then read by the same pure reports as one
 * organization's. Conversion is per invoice: its total and its running allocated sum are converted
 * and rounded half-up, so that each converted open balance is the conversion of the real one.
 */
import { sql } from 'drizzle-orm';
import { InvalidInput, NotFound } from '../../errors.ts';
import type { IsoDate } from '../../calendar/index.ts';
import { divRoundHalfUp, exponentOf } from '../../money.ts';
import type { CustomerLedger, Invoice, Organization } from '../../ledger/index.ts';
import type { Executor } from '../../store/index.ts';
import { loadOrganization, loadOrganizationLedgers } from './load-ledgers.ts';

/** Units of the group currency per unit of each other currency, as decimal strings ("1.0845"). */
export type FxRates = Readonly<Record<string, string>>;

const RATE = /^(\d+)(?:\.(\d+))?$/;

/**
 * Rates written `USD=0.92` (units of the group currency per unit of USD), as the CLI's `--rate`
 * and the API's `rate` take them; `label` names the option in the error.
 */
export function parseRates(values: readonly string[], label = 'rate'): FxRates {
  const rates: Record<string, string> = {};
  for (const v of values) {
    const m = /^([A-Z]{3})=(\d+(?:\.\d+)?)$/.exec(v);
    if (!m) throw new InvalidInput(`${label}: "${v}" is not CUR=RATE (e.g. USD=0.92)`, { field: 'rate' });
    rates[m[1]!] = m[2]!;
  }
  return rates;
}

/** Converts minor units of `from` into minor units of `to` at a decimal `rate`, half-up. */
export function convertMinor(amount: bigint, from: string, to: string, rate: string): bigint {
  if (from === to) return amount;
  const m = RATE.exec(rate);
  if (!m) throw new InvalidInput(`rates.${from}: "${rate}" is not a decimal rate`, { field: `rates.${from}` });
  const fraction = m[2] ?? '';
  const rateNum = BigInt(m[1]! + fraction);
  const rateDen = 10n ** BigInt(fraction.length);
  const num = amount * rateNum * 10n ** BigInt(exponentOf(to));
  return divRoundHalfUp(num, rateDen * 10n ** BigInt(exponentOf(from)));
}

function rateFor(rates: FxRates, currency: string, target: string, asOf: IsoDate): string {
  if (currency === target) return '1';
  const rate = rates[currency];
  if (rate === undefined) {
    throw new InvalidInput(`rates: no rate from ${currency} into ${target} on ${asOf}; give one for every currency of the group`, {
      field: `rates.${currency}`,
    });
  }
  return rate;
}

function convertInvoice(inv: Invoice, target: string, rate: string): Invoice {
  let cumulative = 0n;
  let converted = 0n;
  const allocations = inv.allocations.map((a) => {
    cumulative += a.amount;
    const next = convertMinor(cumulative, inv.currency, target, rate);
    const amount = next - converted;
    converted = next;
    return { date: a.date, amount };
  });
  return { ...inv, currency: target, total: convertMinor(inv.total, inv.currency, target, rate), allocations };
}

/** One organization's ledgers in the target currency; customer ids prefixed with the organization's name. */
export function convertLedgers(ledgers: readonly CustomerLedger[], organizationName: string, target: string, rates: FxRates, asOf: IsoDate): CustomerLedger[] {
  return ledgers.map((l) => ({
    customer: { ...l.customer, externalId: `${organizationName}/${l.customer.externalId}` },
    invoices: l.invoices.map((inv) => convertInvoice(inv, target, rateFor(rates, inv.currency, target, asOf))),
    promises: l.promises.map((p) => ({ ...p, currency: target, amount: convertMinor(p.amount, p.currency, target, rateFor(rates, p.currency, target, asOf)) })),
  }));
}

/** The rates stored for the group, each the latest from on or before asOf; explicit rates win. */
export async function groupRates(db: Executor, groupId: string, asOf: IsoDate, explicit: FxRates = {}): Promise<Record<string, string>> {
  const { rows } = await db.execute<{ currency: string; rate: string }>(sql`
    SELECT DISTINCT ON (currency) currency::text, rate FROM group_fx_rates
    WHERE group_id = ${groupId}::uuid AND "from" <= ${asOf}::date ORDER BY currency, "from" DESC`);
  return { ...Object.fromEntries(rows.map((r) => [r.currency, r.rate])), ...explicit };
}

export interface GroupLedgers {
  organization: Organization;
  customers: CustomerLedger[];
  rates: Record<string, string>;
  members: string[];
}

/**
 * The group as one organization in its reporting currency: its members' ledgers converted. A
 * currency without a rate is refused with an error naming it, never added unconverted.
 */
export async function loadGroupLedgers(db: Executor, groupId: string, asOf: IsoDate, explicit: FxRates = {}): Promise<GroupLedgers> {
  const { rows } = await db.execute<{ name: string; reporting_currency: string | null }>(
    sql`SELECT name, reporting_currency FROM groups WHERE id = ${groupId}::uuid`,
  );
  const group = rows[0];
  if (!group) throw new NotFound(`group ${groupId} does not exist`, { field: 'group' });
  const members = await db.execute<{ organization_id: string }>(
    sql`SELECT organization_id FROM group_memberships WHERE group_id = ${groupId}::uuid`,
  );
  const rates = await groupRates(db, groupId, asOf, explicit);
  const customers: CustomerLedger[] = [];
  const names: string[] = [];
  let currency = group.reporting_currency;
  for (const m of members.rows) {
    const org = await loadOrganization(db, m.organization_id);
    currency ??= org.currency;
    names.push(org.name);
    customers.push(...convertLedgers(await loadOrganizationLedgers(db, org.id), org.name, currency, rates, asOf));
  }
  if (!currency) throw new InvalidInput(`group ${group.name} has no reporting currency and no member`, { field: 'group' });
  const organization: Organization = {
    name: group.name, country: null, currency, timezone: null, language: null, latePayment: { policy: 'NONE' }, businessDaysOnly: false,
  };
  return { organization, customers, rates, members: names.sort() };
}
