/**
 * UK Companies House, the public register of UK companies, through its Public Data API: the
 * company profile (`company_name`, `company_status`, `has_insolvency_history`,
 * `registered_office_address`) and, when it has insolvency history, its cases. HTTP Basic auth
 * with the API key as user name and an empty password. Calls go through core/http's one path
 * (limiter, classified errors, retries); 404 on the profile means no such company, 404 on the
 * insolvency resource means no case.
 * https://developer-specs.company-information.service.gov.uk/companies-house-public-data-api/reference/company-profile/company-profile
 * https://developer-specs.company-information.service.gov.uk/companies-house-public-data-api/reference/insolvency/read-company-insolvency
 * https://developer-specs.company-information.service.gov.uk/guides/authorisation
 */
import { z } from 'zod';
import { InvalidInput, NotFound } from '../../errors.ts';
import { callProvider, defaultRetryPolicy, defineProfile, HttpStatusError, LimiterRegistry, normalizeHeaders, type HttpProfile } from '../../http/index.ts';
import type { CompanyRegistryProvider, RegistryCompany } from './provider.ts';

export const COMPANIES_HOUSE_API_URL = 'https://api.company-information.service.gov.uk';

// https://developer-specs.company-information.service.gov.uk/guides/rateLimiting — 600 requests
// per five minutes per API key; beyond it a 429 until the window ends.
export const companiesHouseProfile: HttpProfile = defineProfile({
  provider: 'companies_house',
  baseUrl: COMPANIES_HOUSE_API_URL,
  limits: { concurrent: 2, windows: [{ requests: 600, perMs: 300_000 }] },
  // Lookups by number only; the search endpoints (not used) page by start_index/items_per_page.
  paging: { style: 'offset', pageSize: 100, firstPosition: 0 },
});

const addressSchema = z.looseObject({
  premises: z.string().optional(), address_line_1: z.string().optional(), address_line_2: z.string().optional(),
  locality: z.string().optional(), region: z.string().optional(), postal_code: z.string().optional(), country: z.string().optional(),
});
const profileSchema = z.looseObject({
  company_number: z.string().min(1),
  company_name: z.string().optional(),
  company_status: z.string().optional(),
  has_insolvency_history: z.boolean().optional(),
  registered_office_address: addressSchema.optional(),
});
const insolvencySchema = z.looseObject({
  cases: z.array(z.looseObject({
    type: z.string(),
    number: z.union([z.string(), z.number()]).transform(String).optional(),
    dates: z.array(z.looseObject({ type: z.string(), date: z.string() })).optional(),
  })).default([]),
});

const limiters = new LimiterRegistry();

export interface CompaniesHouseOptions {
  apiKey: string;
  baseUrl?: string;
}

/** Companies House numbers are eight characters; a number typed without its leading zeros gets them. */
export function normalizeCompanyNumber(text: string): string {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  return /^\d{1,7}$/.test(compact) ? compact.padStart(8, '0') : compact;
}

export function companiesHouse(options: CompaniesHouseOptions): CompanyRegistryProvider {
  if (!options.apiKey) throw new InvalidInput('companies house: an API key is required', { field: 'apiKey' });
  const baseUrl = (options.baseUrl ?? COMPANIES_HOUSE_API_URL).replace(/\/$/, '');
  const authorization = `Basic ${Buffer.from(`${options.apiKey}:`).toString('base64')}`;
  const call = {
    limiter: limiters.forAccount(`companies_house:${baseUrl}:${options.apiKey.slice(0, 6)}`, companiesHouseProfile),
    classify: { provider: 'companies_house' },
    policy: defaultRetryPolicy(),
  };

  async function get(name: string, path: string): Promise<unknown | null> {
    try {
      return await callProvider(call, name, async ({ observe }) => {
        const response = await fetch(`${baseUrl}${path}`, { headers: { authorization, accept: 'application/json' }, signal: AbortSignal.timeout(20_000) });
        const headers = normalizeHeaders(Object.fromEntries(response.headers.entries()));
        observe(headers);
        const text = await response.text();
        let body: unknown = null;
        try { body = text ? JSON.parse(text) : null; } catch { body = text; }
        if (!response.ok) throw new HttpStatusError({ status: response.status, headers, body });
        return body;
      });
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
  }

  return {
    registry: 'companies_house',
    normalize: normalizeCompanyNumber,
    async lookup(companyNumber) {
      const number = encodeURIComponent(normalizeCompanyNumber(companyNumber));
      const raw = await get('companies_house.company', `/company/${number}`);
      if (raw === null) return null;
      const parsed = profileSchema.safeParse(raw);
      if (!parsed.success) throw new InvalidInput(`companies house: unexpected company profile: ${parsed.error.issues[0]?.path.join('.')}`, { field: parsed.error.issues[0]?.path.join('.') || 'company_number' });
      const p = parsed.data;
      let cases: RegistryCompany['insolvencyCases'] = [];
      let insolvencyRaw: unknown = null;
      if (p.has_insolvency_history) {
        insolvencyRaw = await get('companies_house.insolvency', `/company/${number}/insolvency`);
        const list = insolvencySchema.safeParse(insolvencyRaw ?? { cases: [] });
        if (!list.success) throw new InvalidInput(`companies house: unexpected insolvency answer: ${list.error.issues[0]?.path.join('.')}`, { field: 'cases' });
        cases = list.data.cases.map((c) => ({ type: c.type, number: c.number ?? null, dates: c.dates ?? [] }));
      }
      const a = p.registered_office_address;
      const company: RegistryCompany = {
        companyNumber: normalizeCompanyNumber(p.company_number), name: p.company_name ?? null, status: p.company_status ?? null,
        hasInsolvencyHistory: p.has_insolvency_history === true, insolvencyCases: cases,
        address: a ? {
          lines: [[a.premises, a.address_line_1].filter(Boolean).join(' '), a.address_line_2 ?? ''].filter((l) => l.trim() !== ''),
          postalCode: a.postal_code ?? null, city: a.locality ?? null, region: a.region ?? null, country: a.country ?? null,
        } : null,
      };
      return { company, raw: { profile: raw, insolvency: insolvencyRaw } };
    },
  };
}

/** The provider from the environment (COMPANIES_HOUSE_API_KEY, COMPANIES_HOUSE_URL), or null when no key is set. */
export function companiesHouseFromEnv(env: NodeJS.ProcessEnv = process.env): CompanyRegistryProvider | null {
  const apiKey = env.COMPANIES_HOUSE_API_KEY;
  if (!apiKey) return null;
  return companiesHouse({ apiKey, ...(env.COMPANIES_HOUSE_URL ? { baseUrl: env.COMPANIES_HOUSE_URL } : {}) });
}
