/**
 * Fixed compensation for recovery costs, per overdue invoice. The laws state it in one currency
 * (EUR for France and the EU directive, GBP for the UK Act). Relance holds no exchange rates, so an
 * invoice in another currency gets NO fixed compensation (interest is still charged in its own
 * currency): inventing a conversion would put a wrong amount on a legal notice.
 */
import { openBalanceOn } from '../ledger/balance.ts';
import type { Invoice } from '../ledger/model.ts';
import type { IsoDate } from '../calendar/index.ts';
import type { LatePaymentPolicy } from './policy.ts';

// Code de commerce, article L441-10: indemnité forfaitaire pour frais de recouvrement of €40
// (amount set by article D441-5).
// https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000005634379
// Directive 2011/7/EU, article 6: a fixed sum of at least EUR 40 per late invoice.
// https://eur-lex.europa.eu/eli/dir/2011/7/oj
const EUR_40 = 4000n;

// Late Payment of Commercial Debts (Interest) Act 1998, section 5A: £40 for a debt under £1,000,
// £70 under £10,000, £100 from £10,000.
// https://www.legislation.gov.uk/ukpga/1998/20/section/5A
const UK_BANDS: readonly { below: bigint | null; amount: bigint }[] = [
  { below: 100_000n, amount: 4_000n },
  { below: 1_000_000n, amount: 7_000n },
  { below: null, amount: 10_000n },
];

/** The fixed compensation for one overdue invoice, in minor units of the invoice's currency. */
export function fixedCompensation(invoice: Invoice, asOf: IsoDate, policy: LatePaymentPolicy): bigint {
  switch (policy.policy) {
    case 'NONE':
      return 0n;
    case 'FR_B2B':
    case 'EU_DIRECTIVE':
      return invoice.currency === 'EUR' ? EUR_40 : 0n;
    case 'UK_LPCDA': {
      if (invoice.currency !== 'GBP') return 0n;
      // The band is chosen by the invoice's open balance on asOf, as the ledger format says.
      const balance = openBalanceOn(invoice, asOf);
      const band = UK_BANDS.find((b) => b.below === null || balance < b.below);
      return band ? band.amount : 0n;
    }
    case 'CUSTOM':
      return invoice.currency === policy.fixedCurrency ? policy.fixedAmount : 0n;
  }
}
