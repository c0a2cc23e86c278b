/** The matcher alone: its order of evidence, ambiguity and weakness, and admin decisions winning. */
import { describe, expect, it } from 'vitest';
import { emailDomain, matchCustomers, normalizeName, type MatchCompany, type MatchCustomer } from '../../core/matching/index.ts';

const customer = (id: string, name: string, email: string | null): MatchCustomer => ({ id, externalId: `C${id}`, name, email });
const company = (externalId: string, name: string | null, domain: string | null, linked: string | null = null): MatchCompany => ({ externalId, name, domain, linkedCustomerExternalId: linked });

describe('normalizeName', () => {
  it.each([
    ['Acme, Inc.', 'acme'],
    ['ACME INC', 'acme'],
    ['Société Générale de Café SAS', 'societe generale de cafe'],
    ['Müller Maschinenbau GmbH', 'muller maschinenbau'],
    ['Thames Widgets Limited', 'thames widgets'],
    ['Smith & Sons Co Ltd', 'smith and sons'],
    ['Co', 'co'],
  ])('%s → %s', (raw, expected) => expect(normalizeName(raw)).toBe(expected));
});

describe('emailDomain', () => {
  it('reads a company domain and ignores free-mail boxes and bad addresses', () => {
    expect(emailDomain('Billing@WWW.Acme.com')).toBe('acme.com');
    expect(emailDomain('jane.doe@gmail.com')).toBeNull();
    expect(emailDomain('no-at-sign')).toBeNull();
    expect(emailDomain(null)).toBeNull();
  });
});

describe('matchCustomers', () => {
  it('takes an explicit link first, then the domain, then the normalized name', () => {
    const outcomes = matchCustomers(
      [customer('1', 'Acme Inc.', 'ap@acme.com'), customer('2', 'Brill GmbH', 'ap@brill.de'), customer('3', 'Corvo S.L.', null)],
      [company('10', 'Something Else', null, 'C1'), company('11', 'Acme', 'acme.com'), company('20', 'BRILL', 'brill.de'), company('30', 'corvo', null)],
      [],
    );
    expect(outcomes).toEqual([
      { customerId: '1', status: 'linked', companyExternalId: '10', by: 'explicit' },
      { customerId: '2', status: 'linked', companyExternalId: '20', by: 'domain' },
      { customerId: '3', status: 'linked', companyExternalId: '30', by: 'name' },
    ]);
  });

  it('never guesses between look-alikes: two companies with the same normalized name go to review', () => {
    const [outcome] = matchCustomers([customer('1', 'Dalton Freight Inc.', 'ap@gmail.com')], [company('1', 'Dalton Freight', null), company('2', 'DALTON FREIGHT INC', null)], []);
    expect(outcome).toMatchObject({ status: 'review', reason: 'ambiguous' });
    expect((outcome as { candidates: unknown[] }).candidates).toHaveLength(2);
  });

  it('calls a same-name company with another domain weak, and a partial name weak', () => {
    const out = matchCustomers(
      [customer('1', 'Evergreen Ltd', 'ap@evergreen.co.uk'), customer('2', 'Falcon Industrial Supplies', null)],
      [company('1', 'Evergreen', 'evergreen-usa.com'), company('2', 'Falcon Industrial', null)],
      [],
    );
    expect(out.map((o) => (o.status === 'review' ? o.reason : o.status))).toEqual(['weak', 'weak']);
  });

  it('sends two customers that would take one company to review, and leaves a customer without evidence unmatched', () => {
    const out = matchCustomers(
      [customer('1', 'Gamma East', 'ap@gamma.com'), customer('2', 'Gamma West', 'ar@gamma.com'), customer('3', 'Nobody', null)],
      [company('1', 'Gamma', 'gamma.com')],
      [],
    );
    expect(out.map((o) => o.status)).toEqual(['review', 'review', 'none']);
  });

  it('an admin link wins over everything, and an admin rejection removes a candidate for good', () => {
    const customers = [customer('1', 'Dalton Freight', null), customer('2', 'Helix SA', 'ap@helix.fr')];
    const companies = [company('1', 'Dalton Freight', null), company('2', 'Dalton Freight Inc', null), company('3', 'Helix', 'helix.fr')];
    const out = matchCustomers(customers, companies, [
      { customerId: '1', companyExternalId: '2', decision: 'link' },
      { customerId: '2', companyExternalId: '3', decision: 'reject' },
    ]);
    expect(out[0]).toEqual({ customerId: '1', status: 'linked', companyExternalId: '2', by: 'manual' });
    expect(out[1]!.status).toBe('none');
  });
});
