import type { IsoDate } from '../calendar/index.ts';
import { isOpenOn, isOverdueOn, openBalanceOn } from '../ledger/balance.ts';
import type { CustomerLedger, Organization, Scenario, Segment } from '../ledger/index.ts';

/**
 * Overdue open balance in the organization's currency. Invoices in other currencies are not
 * converted (Relance holds no exchange rates), so they do not count towards `minOverdue`.
 */
export function overdueInBaseCurrency(ledger: CustomerLedger, organization: Organization, asOf: IsoDate): bigint {
  let sum = 0n;
  for (const inv of ledger.invoices) {
    if (inv.currency === organization.currency && isOpenOn(inv, asOf) && isOverdueOn(inv, asOf)) {
      sum += openBalanceOn(inv, asOf);
    }
  }
  return sum;
}

/** Whether every criterion of the segment holds for the customer; an empty segment matches everyone. */
export function matchesSegment(segment: Segment, ledger: CustomerLedger, organization: Organization, asOf: IsoDate): boolean {
  const { customer } = ledger;
  if (segment.tags && !segment.tags.every((t) => customer.tags.includes(t))) return false;
  if (segment.country && (customer.country === null || !segment.country.includes(customer.country))) return false;
  if (segment.riskClass && !(customer.riskClass && segment.riskClass.includes(customer.riskClass))) return false;
  if (segment.customFields) {
    const fields = customer.customFields ?? {};
    for (const [key, value] of Object.entries(segment.customFields)) if (fields[key] !== value) return false;
  }
  if (segment.minOverdue !== undefined && overdueInBaseCurrency(ledger, organization, asOf) < segment.minOverdue) {
    return false;
  }
  return true;
}

/**
 * The scenario an admin pinned for the customer, else the first, in the configured order, whose
 * segment matches; null when none does. A pin naming a scenario that no longer exists is ignored.
 */
export function selectScenario(
  ledger: CustomerLedger,
  scenarios: readonly Scenario[],
  organization: Organization,
  asOf: IsoDate,
): Scenario | null {
  const pinned = ledger.customer.pinnedScenario;
  if (pinned) {
    const scenario = scenarios.find((s) => s.name === pinned);
    if (scenario) return scenario;
  }
  return scenarios.find((s) => matchesSegment(s.segment, ledger, organization, asOf)) ?? null;
}
