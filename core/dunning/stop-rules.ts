import { toDayNumber, type IsoDate } from '../calendar/index.ts';
import type { CustomerLedger, ScenarioStep } from '../ledger/index.ts';
import type { StopRule } from './types.ts';

/**
 * The first stop rule that holds a customer back, in the order FORMATS.md fixes, or null.
 * `excluded` says why no item is left to list (every one disputed, or on hold), null when some
 * are; `step` is the step the action would take once those items are left out.
 * `enabled` lists the customer-level rules the scenario applies (paused, hold, promise); absent = all.
 */
export function firstStopRule(
  ledger: CustomerLedger,
  asOf: IsoDate,
  excluded: 'disputed' | 'hold' | null,
  step: ScenarioStep | null,
  enabled?: readonly string[],
): StopRule | null {
  const on = (rule: string) => enabled === undefined || enabled.includes(rule);
  if (ledger.customer.paused && on('paused')) return 'paused';
  if (ledger.customer.held && on('hold')) return 'hold';
  // A promise dated on or after asOf is still pending; a past one was kept or broken, and either
  // way no longer holds the dunning back.
  const today = toDayNumber(asOf);
  if (on('promise') && ledger.promises.some((p) => toDayNumber(p.date) >= today)) return 'promise';
  if (excluded !== null || step === null) return excluded ?? 'disputed';
  if (step.action === 'email' && !ledger.customer.email) return 'no_contact';
  if (step.action === 'sms' && !ledger.customer.phone) return 'no_contact';
  return null;
}
