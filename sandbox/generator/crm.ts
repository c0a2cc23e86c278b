/**
 * The HubSpot portal of the world: owners, a company for most QuickBooks customers, some companies
 * that exist only in the CRM (prospects), and contacts. The CRM copy of a customer is what a
 * salesperson typed: usually the same domain, often a respelt name ("Inc" for "Inc.", upper case),
 * sometimes no domain at all — so matching must work by domain first and by normalized name second.
 * A few customers have a look-alike company with the same normalized name and no domain, on purpose:
 * a matcher must see them as ambiguous instead of picking one.
 */
import type { WorldCompany, WorldCrm, WorldCrmContact } from '../shared/contract.ts';
import type { SeededRandom } from '../shared/seeded-random.ts';
import type { Calendar } from './calendar.ts';
import type { GeneratedCustomer } from './customers.ts';
import {
  companyDomain,
  companyName,
  crmNameVariant,
  normalizeForUniqueness,
  personalEmail,
  personName,
  type Language,
} from './names.ts';

/** Share of QuickBooks customers that have a company in the CRM. */
const COVERAGE = 0.85;
/** Share of covered customers whose company was entered without a domain (matchable by name only). */
const NO_DOMAIN = 0.12;
/** Share of covered customers that also get a look-alike company (ambiguous by name). */
const AMBIGUOUS = 0.02;
/** CRM-only companies, as a share of customers. */
const CRM_ONLY = 0.1;

interface CrmIds {
  company: number;
  contact: number;
}

export function generateCrm(rng: SeededRandom, cal: Calendar, customers: GeneratedCustomer[]): WorldCrm {
  const owners = generateOwners(rng, Math.max(3, Math.min(40, Math.round(customers.length / 150))));
  const ownerIds = owners.map((o) => o.id);
  const ids: CrmIds = { company: 0, contact: 0 };
  const companies: WorldCompany[] = [];
  const contacts: WorldCrmContact[] = [];
  const takenDomains = new Set<string>(customers.flatMap((g) => (g.customer.domain ? [g.customer.domain] : [])));
  const takenNames = new Set<string>(customers.map((g) => normalizeForUniqueness(g.company.base)));
  let ambiguousMade = 0;
  for (let i = 0; i < customers.length; i++) {
    const g = customers[i]!;
    // Guarantee at least one ambiguous pair in every world, however small.
    const forced = ambiguousMade === 0 && i >= Math.min(4, customers.length - 1);
    if (!rng.chance(COVERAGE) && !forced) continue;
    const ambiguous = rng.chance(AMBIGUOUS) || forced;
    const withDomain = !ambiguous && g.customer.domain !== null && !rng.chance(NO_DOMAIN);
    const company = newCompany(rng, cal, ids, {
      name: crmNameVariant(rng, g.company),
      domain: withDomain ? g.customer.domain : null,
      ownerId: rng.chance(0.9) ? rng.pick(ownerIds) : null,
      matchesCustomerId: g.customer.id,
    });
    companies.push(company);
    for (const k of g.customer.contacts) {
      if (rng.chance(0.8)) contacts.push(newContact(rng, cal, ids, company.id, k.firstName, k.lastName, k.email, k.phone));
    }
    if (ambiguous) {
      ambiguousMade++;
      // Another legal entity with the same name (a namesake in another town): same normalized name, no domain.
      companies.push(
        newCompany(rng, cal, ids, {
          name: crmNameVariant(rng, g.company),
          domain: null,
          ownerId: rng.pick(ownerIds),
          matchesCustomerId: null,
        }),
      );
    }
  }
  const crmOnly = Math.max(1, Math.round(customers.length * CRM_ONLY));
  for (let i = 0; i < crmOnly; i++) {
    const language: Language = rng.pick(['en', 'en', 'fr', 'de', 'es'] as const);
    const country = { en: 'US', fr: 'FR', de: 'DE', es: 'ES' }[language];
    const name = companyName(rng, language, country, takenNames);
    const domain = rng.chance(0.8) ? companyDomain(name.base, country, takenDomains) : null;
    const company = newCompany(rng, cal, ids, { name: name.name, domain, ownerId: rng.pick(ownerIds), matchesCustomerId: null });
    companies.push(company);
    const person = personName(rng, language);
    const email = domain ? personalEmail(person, domain) : null;
    contacts.push(newContact(rng, cal, ids, company.id, person.firstName, person.lastName, email, null));
  }
  return { portalId: String(rng.int(20_000_000, 49_999_999)), companies, contacts, owners };
}

function generateOwners(rng: SeededRandom, count: number): WorldCrm['owners'] {
  const owners: WorldCrm['owners'] = [];
  for (let i = 0; i < count; i++) {
    const p = personName(rng, 'en');
    owners.push({ id: String(70_000_001 + i), email: personalEmail(p, 'sales.example.com'), ...p });
  }
  return owners;
}

function newCompany(
  rng: SeededRandom,
  cal: Calendar,
  ids: CrmIds,
  fields: Pick<WorldCompany, 'name' | 'domain' | 'ownerId' | 'matchesCustomerId'>,
): WorldCompany {
  const createdDay = -rng.int(30, 900);
  // HubSpot object ids are numeric strings; start high like a real portal's.
  return {
    id: String(9_000_000_001 + ids.company++),
    ...fields,
    createdAt: cal.instant(createdDay, rng.int(0, 86_399)),
    updatedAt: cal.instant(rng.int(createdDay, 0), rng.int(0, 86_399)),
  };
}

function newContact(
  rng: SeededRandom,
  cal: Calendar,
  ids: CrmIds,
  companyId: string,
  firstName: string,
  lastName: string,
  email: string | null,
  phone: string | null,
): WorldCrmContact {
  const createdDay = -rng.int(1, 900);
  return {
    id: String(1_001 + ids.contact++),
    companyId,
    firstName,
    lastName,
    email,
    phone,
    createdAt: cal.instant(createdDay, rng.int(0, 86_399)),
    updatedAt: cal.instant(rng.int(createdDay, 0), rng.int(0, 86_399)),
  };
}
