/**
 * Matching accounting customers to CRM companies, as a pure function. In order: an admin's decision;
 * an explicit link (the company's mapped id property names the customer); the domain of the
 * customer's billing e-mail; the normalized name. A match that is ambiguous (several candidates as
 * good) or weak (signals that disagree, or only part of the name) is listed for review, never guessed.
 */
import { emailDomain, normalizeDomain, normalizeName } from './normalize.ts';

export interface MatchCustomer {
  id: string;
  externalId: string;
  name: string;
  email: string | null;
}

export interface MatchCompany {
  externalId: string;
  name: string | null;
  domain: string | null;
  /** The customer external id a mapped CRM property names, when there is one. */
  linkedCustomerExternalId: string | null;
}

export interface MatchDecision {
  customerId: string;
  companyExternalId: string;
  decision: 'link' | 'reject';
}

export type MatchedBy = 'manual' | 'explicit' | 'domain' | 'name';

export interface Candidate {
  companyExternalId: string;
  name: string | null;
  by: MatchedBy | 'partial_name';
}

export type MatchOutcome =
  | { customerId: string; status: 'linked'; companyExternalId: string; by: MatchedBy }
  | { customerId: string; status: 'review'; reason: 'ambiguous' | 'weak'; candidates: Candidate[] }
  | { customerId: string; status: 'none' };

class Index {
  readonly byDomain = new Map<string, MatchCompany[]>();
  readonly byName = new Map<string, MatchCompany[]>();
  readonly byLink = new Map<string, MatchCompany[]>();
  /** Normalized names by their first word: partial matches are only sought among these. */
  readonly namesByFirstWord = new Map<string, string[]>();

  constructor(readonly companies: readonly MatchCompany[]) {
    for (const c of companies) {
      const domain = normalizeDomain(c.domain);
      if (domain) push(this.byDomain, domain, c);
      if (c.name) {
        const name = normalizeName(c.name);
        if (!this.byName.has(name)) push(this.namesByFirstWord, name.split(' ')[0]!, name);
        push(this.byName, name, c);
      }
      if (c.linkedCustomerExternalId) push(this.byLink, c.linkedCustomerExternalId, c);
    }
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const candidate = (c: MatchCompany, by: Candidate['by']): Candidate => ({ companyExternalId: c.externalId, name: c.name, by });

/** The outcome for every customer; `decisions` are the admin's, and always win. */
export function matchCustomers(customers: readonly MatchCustomer[], companies: readonly MatchCompany[], decisions: readonly MatchDecision[]): MatchOutcome[] {
  const index = new Index(companies);
  const rejected = new Set(decisions.filter((d) => d.decision === 'reject').map((d) => `${d.customerId}\u0000${d.companyExternalId}`));
  const linked = new Map(decisions.filter((d) => d.decision === 'link').map((d) => [d.customerId, d.companyExternalId]));
  const outcomes = customers.map((customer) => {
    const manual = linked.get(customer.id);
    if (manual !== undefined) return { customerId: customer.id, status: 'linked', companyExternalId: manual, by: 'manual' } as const;
    const allowed = (c: MatchCompany) => !rejected.has(`${customer.id}\u0000${c.externalId}`);
    return matchOne(customer, index, allowed);
  });
  return withoutSharedCompanies(outcomes);
}

function matchOne(customer: MatchCustomer, index: Index, allowed: (c: MatchCompany) => boolean): MatchOutcome {
  const id = customer.id;
  const explicit = (index.byLink.get(customer.externalId) ?? []).filter(allowed);
  if (explicit.length === 1) return { customerId: id, status: 'linked', companyExternalId: explicit[0]!.externalId, by: 'explicit' };
  if (explicit.length > 1) return { customerId: id, status: 'review', reason: 'ambiguous', candidates: explicit.map((c) => candidate(c, 'explicit')) };

  const domain = emailDomain(customer.email);
  const byDomain = domain ? (index.byDomain.get(domain) ?? []).filter(allowed) : [];
  if (byDomain.length === 1) return { customerId: id, status: 'linked', companyExternalId: byDomain[0]!.externalId, by: 'domain' };
  if (byDomain.length > 1) return { customerId: id, status: 'review', reason: 'ambiguous', candidates: byDomain.map((c) => candidate(c, 'domain')) };

  const name = normalizeName(customer.name);
  const byName = (index.byName.get(name) ?? []).filter(allowed);
  if (byName.length > 1) return { customerId: id, status: 'review', reason: 'ambiguous', candidates: byName.map((c) => candidate(c, 'name')) };
  if (byName.length === 1) {
    const company = byName[0]!;
    const companyDomain = normalizeDomain(company.domain);
    // Same name, but the company's own domain is another one than the customer's: a namesake, maybe.
    if (domain && companyDomain && companyDomain !== domain) return { customerId: id, status: 'review', reason: 'weak', candidates: [candidate(company, 'name')] };
    return { customerId: id, status: 'linked', companyExternalId: company.externalId, by: 'name' };
  }
  const partial = partialNameMatches(name, index).filter(allowed);
  if (partial.length > 0) return { customerId: id, status: 'review', reason: partial.length > 1 ? 'ambiguous' : 'weak', candidates: partial.map((c) => candidate(c, 'partial_name')) };
  return { customerId: id, status: 'none' };
}

/** Companies whose normalized name starts with the customer's whole words, or the reverse ("Acme" / "Acme Industrial"). */
function partialNameMatches(name: string, index: Index): MatchCompany[] {
  if (name.length < 4) return [];
  const out: MatchCompany[] = [];
  for (const other of index.namesByFirstWord.get(name.split(' ')[0]!) ?? []) {
    if (other.length < 4 || other === name) continue;
    if (other.startsWith(`${name} `) || name.startsWith(`${other} `)) out.push(...(index.byName.get(other) ?? []));
  }
  return out.slice(0, 5);
}

/**
 * A company that two customers would take by domain or name is no one's for sure: both go to review.
 * (Manual and explicit links are an admin's or the CRM's word and stand.)
 */
function withoutSharedCompanies(outcomes: MatchOutcome[]): MatchOutcome[] {
  const takers = new Map<string, number>();
  for (const o of outcomes) if (o.status === 'linked' && (o.by === 'domain' || o.by === 'name')) takers.set(o.companyExternalId, (takers.get(o.companyExternalId) ?? 0) + 1);
  return outcomes.map((o) => {
    if (o.status !== 'linked' || (o.by !== 'domain' && o.by !== 'name') || (takers.get(o.companyExternalId) ?? 0) < 2) return o;
    return { customerId: o.customerId, status: 'review', reason: 'ambiguous', candidates: [{ companyExternalId: o.companyExternalId, name: null, by: o.by }] };
  });
}
