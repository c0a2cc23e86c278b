/**
 * The company registry contract (issue #19.7): a public register (or a rating agency) that says,
 * for a company number, the company's legal status, its insolvency proceedings and its address.
 * One provider per registry behind this interface; core/credit/registry/refresh.ts applies what
 * they answer, never trusting an answer about another company than the one asked.
 */

/** An insolvency proceeding as the registry lists it. */
export interface InsolvencyCase {
  /** The registry's case type ("creditors-voluntary-liquidation", "in-administration", …). */
  type: string;
  number: string | null;
  /** Dated steps of the case ("wound-up-on", "administration-started-on", …). */
  dates: { type: string; date: string }[];
}

export interface RegistryCompany {
  /** The number the registry answered for: checked against the one asked before anything is applied. */
  companyNumber: string;
  name: string | null;
  /** The registry's status word ("active", "liquidation", "administration", "dissolved", …). */
  status: string | null;
  hasInsolvencyHistory: boolean;
  insolvencyCases: InsolvencyCase[];
  address: { lines: string[]; postalCode: string | null; city: string | null; region: string | null; country: string | null } | null;
}

export interface CompanyRegistryProvider {
  /** Stored with every record and check ("companies_house"). */
  readonly registry: string;
  /** The registry's own spelling of a number a user typed (Companies House: eight characters, zero-padded). */
  normalize(companyNumber: string): string;
  /** The company, or null when the registry has no company of that number. */
  lookup(companyNumber: string): Promise<{ company: RegistryCompany; raw: unknown } | null>;
}

/**
 * Statuses that mean the company is insolvent or gone: dunning is held and the credit manager
 * alerted. Companies House's `company_status` vocabulary (its API enumerations file).
 * https://github.com/companieshouse/api-enumerations/blob/master/constants.yml
 */
export const DISTRESSED_STATUSES: ReadonlySet<string> = new Set([
  'liquidation', 'administration', 'receivership', 'insolvency-proceedings', 'voluntary-arrangement', 'dissolved', 'removed', 'closed', 'converted-closed',
]);
