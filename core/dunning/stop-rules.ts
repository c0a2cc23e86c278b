import { toDayNumber, type IsoDate } from '../calendar/index.ts';
import type { CustomerLedger, ScenarioStep } from '../ledger/index.ts';
import type { StopRule } from './types.ts';

/**
 * The first stop rule that holds a customer back, in the order FORMATS.md fixes, or null.
 * `allDisputed` says whether every item that would have been listed is disputed; `step` is the
 * step the action would take once disputed items are left out (null when all are disputed).
 */
export function firstStopRule(
  ledger: CustomerLedger,
  asOf: IsoDate,
  allDisputed: boolean,
  step: ScenarioStep | null,
): StopRule | null {
  if (ledger.customer.paused) return 'paused';
  // A promise dated on or after asOf is still pending; a past one was kept or broken, and either
  // way no longer holds the dunning back.
  const today = toDayNumber(asOf);
  if (ledger.promises.some((p) => toDayNumber(p.date) >= today)) return 'promise';
  if (allDisputed || step === null) return 'disputed';
  if (step.action === 'email' && !ledger.customer.email) return 'no_contact';
  if (step.action === 'sms' && !ledger.customer.phone) return 'no_contact';
  return null;
}
