/** An organization as the dunning run needs it: the planner's view plus time zone and sending hours. */
import { eq } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { organizations, type SendingHours } from '../store/schema/index.ts';
import { NotFound } from '../errors.ts';
import { toMinor } from '../money.ts';
import { effectivePolicy, parsePercent, type LatePaymentPolicy } from '../fees/index.ts';
import type { LatePaymentPolicy as StoredPolicy } from '../store/schema/organizations.ts';
import type { Organization } from '../ledger/index.ts';

export interface RunOrganization {
  readonly id: string;
  readonly planner: Organization;
  readonly timezone: string;
  readonly sendingHours: SendingHours;
  readonly locale: string;
}

/** The stored policy (decimal strings) as core/fees takes it, exactly as a ledger file's would be. */
export function toFeesPolicy(stored: StoredPolicy, baseCurrency: string): LatePaymentPolicy {
  if (stored.policy === 'NONE') return { policy: 'NONE' };
  if (stored.policy === 'CUSTOM') {
    return {
      policy: 'CUSTOM',
      annualRate: parsePercent(stored.annualRate ?? '0'),
      fixedAmount: toMinor(stored.fixedAmount ?? '0', baseCurrency),
      fixedCurrency: baseCurrency,
    };
  }
  const referenceRates = (stored.referenceRates ?? [])
    .map((r) => ({ from: r.from, rate: parsePercent(r.rate) }))
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  return { policy: stored.policy, referenceRates };
}

export async function loadOrganization(db: Db, organizationId: string): Promise<RunOrganization> {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, organizationId));
  if (!row) throw new NotFound(`organization ${organizationId} not found`, { field: 'organizationId' });
  return {
    id: row.id,
    timezone: row.timezone,
    sendingHours: row.sendingHours,
    locale: row.locale,
    planner: {
      name: row.name,
      country: row.country,
      currency: row.baseCurrency,
      timezone: row.timezone,
      language: row.locale,
      latePayment: toFeesPolicy(effectivePolicy(row.latePaymentPolicy, row.country) as StoredPolicy, row.baseCurrency),
      businessDaysOnly: row.businessDaysOnly,
    },
  };
}
