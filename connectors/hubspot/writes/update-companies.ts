/**
 * Write-back of each company's dunning state into the "Relance" properties, by batch update, 100
 * companies a call. Reports per company (STYLE principle 9): what was written, what failed and why.
 * A batch the provider refuses as a whole (a bad value) fails its companies with the reason; a
 * failure worth retrying (rate limit or outage past core/http's retries) is thrown for the outbox.
 * https://developers.hubspot.com/docs/api/crm/companies (POST /crm/v3/objects/companies/batch/update)
 */
import { isRelanceError } from '../../../core/errors.ts';
import type { HubSpotClient } from '../client.ts';
import { BATCH_SIZE } from '../profile.ts';
import { batchAnswerSchema } from '../schemas.ts';

export interface CompanyDunningState {
  companyId: string;
  stage: string | null;
  /** Decimal string in `currency` ("1250.00"), never a float. */
  overdueAmount: string | null;
  currency: string | null;
  oldestOverdueDays: number | null;
  disputed: boolean;
  paused: boolean;
  nextAction: string | null;
  /** YYYY-MM-DD */
  nextActionDate: string | null;
  promiseDate: string | null;
  portalLink: string | null;
}

/** Credit properties (core/credit): only ever written partially, by their own changes. */
export interface CompanyCreditState {
  creditLimit?: string | null;
  creditHold?: boolean;
  creditHoldReason?: string | null;
  amountOverLimit?: string | null;
}

const CREDIT_NAMES: Record<keyof CompanyCreditState, string> = {
  creditLimit: 'relance_credit_limit', creditHold: 'relance_credit_hold', creditHoldReason: 'relance_credit_hold_reason', amountOverLimit: 'relance_amount_over_limit',
};

function creditProperties(given: CompanyCreditState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(CREDIT_NAMES) as [keyof CompanyCreditState, string][]) {
    const value = given[key];
    if (value === undefined) continue;
    out[name] = value === null ? '' : String(value);
  }
  return out;
}

export interface BatchItemResult {
  companyId: string;
  ok: boolean;
  error: string | null;
}

/** HubSpot clears a property given an empty string; every value travels as a string. */
export function toCompanyProperties(state: CompanyDunningState): Record<string, string> {
  const text = (v: string | null) => v ?? '';
  return {
    relance_stage: text(state.stage),
    relance_overdue_amount: text(state.overdueAmount),
    relance_overdue_currency: text(state.currency),
    relance_oldest_overdue_days: state.oldestOverdueDays === null ? '' : String(state.oldestOverdueDays),
    relance_disputed: String(state.disputed),
    relance_paused: String(state.paused),
    relance_next_action: text(state.nextAction),
    relance_next_action_date: text(state.nextActionDate),
    relance_promise_date: text(state.promiseDate),
    relance_portal_link: text(state.portalLink),
  };
}

/** Only the properties given (the outbox's `set_company_properties`): the others stay as HubSpot has them. */
export function toPartialCompanyProperties(given: Partial<Omit<CompanyDunningState, 'companyId'>> & CompanyCreditState): Record<string, string> {
  return { ...dunningProperties(given), ...creditProperties(given) };
}

function dunningProperties(given: Partial<Omit<CompanyDunningState, 'companyId'>>): Record<string, string> {
  const full = toCompanyProperties({
    companyId: '', stage: null, overdueAmount: null, currency: null, oldestOverdueDays: null, disputed: false, paused: false,
    nextAction: null, nextActionDate: null, promiseDate: null, portalLink: null, ...given,
  });
  const names: Record<keyof Omit<CompanyDunningState, 'companyId'>, string> = {
    stage: 'relance_stage', overdueAmount: 'relance_overdue_amount', currency: 'relance_overdue_currency', oldestOverdueDays: 'relance_oldest_overdue_days',
    disputed: 'relance_disputed', paused: 'relance_paused', nextAction: 'relance_next_action', nextActionDate: 'relance_next_action_date',
    promiseDate: 'relance_promise_date', portalLink: 'relance_portal_link',
  };
  return Object.fromEntries(Object.entries(names).filter(([key]) => key in given && given[key as keyof typeof given] !== undefined).map(([, name]) => [name, full[name]!]));
}

export interface CompanyPropertiesInput {
  companyId: string;
  properties: Record<string, string>;
}

export async function updateCompanies(client: HubSpotClient, states: readonly CompanyDunningState[]): Promise<BatchItemResult[]> {
  return updateCompanyProperties(client, states.map((s) => ({ companyId: s.companyId, properties: toCompanyProperties(s) })));
}

/** Batch updates of any Relance properties, 100 companies a call, reported per company. */
export async function updateCompanyProperties(client: HubSpotClient, items: readonly CompanyPropertiesInput[]): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    results.push(...(await updateBatch(client, items.slice(i, i + BATCH_SIZE))));
  }
  return results;
}

async function updateBatch(client: HubSpotClient, batch: readonly CompanyPropertiesInput[]): Promise<BatchItemResult[]> {
  const inputs = batch.map((s) => ({ id: s.companyId, properties: s.properties }));
  let answer;
  try {
    answer = await client.request('batch update companies', { method: 'POST', path: '/crm/v3/objects/companies/batch/update', body: { inputs } }, batchAnswerSchema);
  } catch (error) {
    if (isRelanceError(error) && error.category === 'validation') {
      return batch.map((s) => ({ companyId: s.companyId, ok: false, error: error.message }));
    }
    throw error;
  }
  // 207: `errors[].context.ids` names the companies that could not be updated (deleted, unknown).
  const failed = new Map<string, string>();
  for (const e of answer.data.errors ?? []) {
    for (const id of e.context?.ids ?? []) failed.set(id, `${e.category ?? 'error'}: ${e.message}`);
  }
  return batch.map((s) => {
    const reason = failed.get(s.companyId);
    return reason ? { companyId: s.companyId, ok: false, error: reason } : { companyId: s.companyId, ok: true, error: null };
  });
}
