/**
 * The customers of one ledger: name, country, currency, language, payer profile and contacts.
 * A ledger sells mostly in its home currency and to some foreign customers in theirs, which is what
 * makes multi-currency dunning and reports non-trivial.
 */
import type { PayerProfile, WorldContact, WorldCustomer } from '../shared/contract.ts';
import type { SeededRandom } from '../shared/seeded-random.ts';
import type { Calendar } from './calendar.ts';
import {
  billingLocalPart,
  companyDomain,
  companyName,
  freeMailDomain,
  personalEmail,
  personName,
  type CompanyName,
  type Language,
} from './names.ts';

export interface LedgerSpec {
  key: 'quickbooks' | 'xero';
  organizationName: string;
  homeCurrency: string;
  country: string;
  /** Customer markets by weight: currency, the countries that pay in it, and their languages. */
  markets: readonly { currency: string; weight: number; countries: readonly { country: string; languages: readonly Language[] }[] }[];
}

export const PROFILE_WEIGHTS: readonly (readonly [PayerProfile, number])[] = [
  ['early', 12],
  ['on_time', 35],
  ['late', 25],
  ['very_late', 12],
  ['disputes', 8],
  ['never', 8],
];

/** Payment terms in days; net 30 is by far the most common. */
const TERMS: readonly (readonly [number, number])[] = [
  [15, 15],
  [30, 55],
  [45, 15],
  [60, 15],
];

/** A customer plus what the ledger generator needs and the world does not hold. */
export interface GeneratedCustomer {
  customer: WorldCustomer;
  company: CompanyName;
  termsDays: number;
  /** Relative share of the ledger's invoices. */
  weight: number;
}

const EARLIEST_DAY = -720;

export function generateCustomers(rng: SeededRandom, cal: Calendar, spec: LedgerSpec, count: number): GeneratedCustomer[] {
  const takenNames = new Set<string>();
  const takenDomains = new Set<string>();
  const out: GeneratedCustomer[] = [];
  const markets = spec.markets.map((m) => [m, m.weight] as const);
  let contactSeq = 0;
  for (let i = 0; i < count; i++) {
    const id = `C${String(i + 1).padStart(6, '0')}`;
    const market = rng.weighted(markets);
    const place = rng.pick(market.countries);
    const language = rng.pick(place.languages);
    const company = companyName(rng, language, place.country, takenNames);
    // A few small customers bill to a free-mail box (no company domain), a few have no e-mail at all.
    const mailKind = rng.weighted([['company', 88], ['free', 8], ['none', 4]] as const);
    const domain = mailKind === 'company' ? companyDomain(company.base, place.country, takenDomains) : null;
    const billingPerson = personName(rng, language);
    const email =
      mailKind === 'company'
        ? `${billingLocalPart(rng, language)}@${domain}`
        : mailKind === 'free'
          ? personalEmail(billingPerson, freeMailDomain(rng))
          : null;
    const phone = rng.chance(0.8) ? phoneNumber(rng, place.country) : null;
    const contacts: WorldContact[] = [];
    const mainPerson = personName(rng, language);
    contacts.push({
      id: `K${String(++contactSeq).padStart(7, '0')}`,
      customerId: id,
      ...billingPerson,
      email,
      phone,
      role: 'billing',
    });
    if (rng.chance(0.7)) {
      contacts.push({
        id: `K${String(++contactSeq).padStart(7, '0')}`,
        customerId: id,
        ...mainPerson,
        email: domain ? personalEmail(mainPerson, domain) : null,
        phone: rng.chance(0.6) ? phoneNumber(rng, place.country) : null,
        role: 'main',
      });
    }
    const createdDay = rng.int(EARLIEST_DAY, -370);
    const updatedDay = rng.int(createdDay, 0);
    out.push({
      customer: {
        id,
        name: company.name,
        email,
        phone,
        domain,
        country: place.country,
        currency: market.currency,
        language,
        taxId: rng.chance(0.7) ? taxId(rng, place.country) : null,
        profile: rng.weighted(PROFILE_WEIGHTS),
        createdAt: cal.instant(createdDay, rng.int(28_800, 64_800)),
        updatedAt: cal.instant(updatedDay, rng.int(0, 86_399)),
        contacts,
      },
      company,
      termsDays: rng.weighted(TERMS),
      // Log-normal shares: a few large accounts carry many invoices, most carry a handful.
      weight: rng.logNormal(1, 0.8),
    });
  }
  return out;
}

const DIAL: Record<string, string> = { US: '+1', CA: '+1', GB: '+44', IE: '+353', FR: '+33', BE: '+32', DE: '+49', AT: '+43', ES: '+34' };

function phoneNumber(rng: SeededRandom, country: string): string {
  return `${DIAL[country] ?? '+1'} ${rng.string(3, '123456789')} ${rng.string(3, '0123456789')} ${rng.string(4, '0123456789')}`;
}

function taxId(rng: SeededRandom, country: string): string {
  const digits = '0123456789';
  switch (country) {
    case 'US':
      return `${rng.string(2, digits)}-${rng.string(7, digits)}`;
    case 'CA':
      return `${rng.string(9, digits)}RT0001`;
    case 'GB':
      return `GB${rng.string(9, digits)}`;
    default:
      // EU VAT numbers start with the country code (Greece aside, which the sandbox does not use).
      return `${country}${rng.string(country === 'FR' ? 11 : 9, digits)}`;
  }
}
