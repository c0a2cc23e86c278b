/**
 * A simulator of the UK Companies House Public Data API, the company registry Relance reads
 * (core/credit/registry/companies-house.ts): `GET /company/{company_number}` (the company profile:
 * `company_name`, `company_status`, `has_insolvency_history`, `registered_office_address`) and
 * `GET /company/{company_number}/insolvency` (`cases` with their `type`, `number` and `dates`;
 * 404 when the company has none), HTTP Basic auth with the API key as user name and no password,
 * 404 `{errors: [{error: "company-profile-not-found", type: "ch:service"}]}` for an unknown number.
 * Tests and the demo change a company (`setCompany`, `addInsolvencyCase`) as the register would.
 * `misdirect` makes the profile of one number answer with another's, so that a client's check of
 * the number it got back can be tested.
 * https://developer-specs.company-information.service.gov.uk/companies-house-public-data-api/reference/company-profile/company-profile
 * https://developer-specs.company-information.service.gov.uk/companies-house-public-data-api/reference/insolvency/read-company-insolvency
 * https://developer-specs.company-information.service.gov.uk/guides/authorisation
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export interface SimulatedCompany {
  company_number: string;
  company_name: string;
  company_status: string;
  type: string;
  date_of_creation: string;
  has_insolvency_history: boolean;
  registered_office_address: Record<string, string>;
  jurisdiction: string;
}

export interface InsolvencyCase {
  type: string;
  number: string;
  dates: { type: string; date: string }[];
  practitioners: { name: string; role: string }[];
}

export interface RegistrySimulator {
  readonly app: FastifyInstance;
  readonly apiKey: string;
  /** Adds or replaces a company (fields not given keep a live private company's defaults). */
  setCompany(company: Partial<SimulatedCompany> & { company_number: string; company_name: string }): void;
  /** Opens an insolvency case: the profile gets `has_insolvency_history` and the status the case implies. */
  addInsolvencyCase(companyNumber: string, kase: InsolvencyCase, status?: string): void;
  /** The profile of `asked` answers with the company `answered` (null: stop). */
  misdirect(asked: string, answered: string | null): void;
  /** Requests served, by path. */
  readonly requests: string[];
}

function notFound(reply: FastifyReply, error: string) {
  return reply.status(404).send({ errors: [{ error, type: 'ch:service' }] });
}

export function createRegistrySimulator(apiKey = randomBytes(12).toString('hex')): RegistrySimulator {
  const app = Fastify({ logger: false });
  const companies = new Map<string, SimulatedCompany>();
  const cases = new Map<string, InsolvencyCase[]>();
  const misdirected = new Map<string, string>();
  const requests: string[] = [];

  const authorised = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const auth = request.headers.authorization ?? '';
    const user = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0] : null;
    if (user === apiKey) return true;
    void reply.status(401).send({ error: 'Invalid Authorization', type: 'ch:service' });
    return false;
  };

  app.get<{ Params: { number: string } }>('/company/:number', async (request, reply) => {
    requests.push(request.url);
    if (!authorised(request, reply)) return reply;
    const company = companies.get(misdirected.get(request.params.number) ?? request.params.number);
    if (!company) return notFound(reply, 'company-profile-not-found');
    return reply.send({ ...company, etag: `etag-${company.company_number}`, links: { self: `/company/${company.company_number}` } });
  });

  app.get<{ Params: { number: string } }>('/company/:number/insolvency', async (request, reply) => {
    requests.push(request.url);
    if (!authorised(request, reply)) return reply;
    const list = cases.get(request.params.number);
    if (!companies.has(request.params.number) || !list || list.length === 0) return notFound(reply, 'company-insolvencies-not-found');
    return reply.send({ etag: `etag-insolvency-${request.params.number}`, cases: list, status: [] });
  });

  return {
    app, apiKey, requests,
    setCompany(c) {
      companies.set(c.company_number, {
        company_status: 'active', type: 'ltd', date_of_creation: '2015-03-02', has_insolvency_history: false, jurisdiction: 'england-wales',
        registered_office_address: { address_line_1: '1 High Street', locality: 'London', postal_code: 'EC1A 1AA', country: 'England' },
        ...companies.get(c.company_number), ...c,
      });
    },
    addInsolvencyCase(number, kase, status = 'liquidation') {
      const company = companies.get(number);
      if (!company) throw new Error(`registry simulator: no company ${number}`);
      cases.set(number, [...(cases.get(number) ?? []), kase]);
      companies.set(number, { ...company, has_insolvency_history: true, company_status: status });
    },
    misdirect(asked, answered) {
      if (answered === null) misdirected.delete(asked);
      else misdirected.set(asked, answered);
    },
  };
}
