import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../core/errors.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import type { PayerProfile, World, WorldLedger } from '../../sandbox/shared/contract.ts';

const OPTIONS = { seed: 42, invoices: 2_000, asOf: '2026-03-01' };
const world = generateWorld(OPTIONS);

function hash(w: World): string {
  return createHash('sha256').update(JSON.stringify(w)).digest('hex');
}

/** Lower case, no accents, no punctuation, no legal-form suffix: how a CRM matcher compares names. */
function normalizedName(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[.,]/g, '')
    .split(/\s+/)
    .filter(Boolean);
  const suffixes = new Set(['inc', 'incorporated', 'llc', 'corp', 'corporation', 'co', 'company', 'ltd', 'limited', 'plc', 'sas', 'sarl', 'sa', 'srl', 'gmbh', 'ag', 'kg', 'sl']);
  while (words.length > 1 && suffixes.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

describe('generateWorld', () => {
  it('makes the same world byte for byte for the same options, another for another seed', () => {
    expect(hash(generateWorld(OPTIONS))).toBe(hash(world));
    expect(hash(generateWorld({ ...OPTIONS, seed: 43 }))).not.toBe(hash(world));
  });

  it('makes the asked number of invoices and about one customer per ten invoices', () => {
    for (const ledger of [world.quickbooks, world.xero]) {
      expect(ledger.invoices).toHaveLength(2_000);
      expect(ledger.customers).toHaveLength(200);
    }
    const tiny = generateWorld({ seed: 1, invoices: 10, asOf: '2026-03-01' });
    expect(tiny.quickbooks.customers).toHaveLength(1);
    expect(tiny.quickbooks.invoices).toHaveLength(10);
  });

  it('refuses options outside the contract, naming the option', () => {
    const bad = [
      { ...OPTIONS, invoices: 9 },
      { ...OPTIONS, invoices: 1_000_001 },
      { ...OPTIONS, seed: 1.5 },
      { ...OPTIONS, asOf: '2026-02-30' },
      { ...OPTIONS, asOf: 'yesterday' },
    ];
    const fields = bad.map((o) => {
      try {
        generateWorld(o);
        return 'accepted';
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidInput);
        return (e as InvalidInput).details.field;
      }
    });
    expect(fields).toEqual(['invoices', 'invoices', 'seed', 'asOf', 'asOf']);
  });

  it.each(['quickbooks', 'xero'] as const)('%s: every balance is the total less its payment and credit-note allocations', (key) => {
    const ledger: WorldLedger = world[key];
    const allocated = new Map<string, number>();
    for (const doc of [...ledger.payments, ...ledger.creditNotes]) {
      for (const a of doc.allocations) allocated.set(a.invoiceId, (allocated.get(a.invoiceId) ?? 0) + a.amountMinor);
    }
    for (const inv of ledger.invoices) {
      const paid = allocated.get(inv.id) ?? 0;
      if (inv.status === 'void') {
        expect(paid).toBe(0);
        expect(inv.balanceMinor).toBe(0);
        continue;
      }
      expect(inv.balanceMinor).toBe(inv.totalMinor - paid);
      expect(inv.balanceMinor).toBeGreaterThanOrEqual(0);
      expect(inv.status).toBe(inv.status === 'draft' ? 'draft' : inv.balanceMinor === 0 ? 'paid' : 'open');
      expect(inv.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(inv.totalMinor);
    }
    for (const p of ledger.payments) {
      expect(p.amountMinor).toBe(p.allocations.reduce((s, a) => s + a.amountMinor, 0) + p.unappliedMinor);
    }
    for (const n of ledger.creditNotes) {
      expect(n.remainingMinor).toBe(n.totalMinor - n.allocations.reduce((s, a) => s + a.amountMinor, 0));
    }
  });

  it.each(['quickbooks', 'xero'] as const)('%s: documents stay within their customer, currency and time', (key) => {
    const ledger = world[key];
    const customers = new Map(ledger.customers.map((c) => [c.id, c]));
    const invoices = new Map(ledger.invoices.map((i) => [i.id, i]));
    const endOfAsOf = '2026-03-01T23:59:59Z';
    for (const inv of ledger.invoices) {
      expect(inv.currency).toBe(customers.get(inv.customerId)!.currency);
      expect(inv.issueDate >= '2025-03-01' && inv.issueDate <= '2026-03-01').toBe(true);
      expect(inv.dueDate > inv.issueDate).toBe(true);
      expect(inv.updatedAt <= endOfAsOf && inv.updatedAt >= inv.createdAt).toBe(true);
    }
    for (const doc of [...ledger.payments, ...ledger.creditNotes]) {
      expect(doc.updatedAt <= endOfAsOf).toBe(true);
      for (const a of doc.allocations) {
        const inv = invoices.get(a.invoiceId)!;
        expect(inv.customerId).toBe(doc.customerId);
        expect(inv.currency).toBe(doc.currency);
      }
    }
    for (const p of ledger.payments) expect(p.date <= '2026-03-01').toBe(true);
    expect(new Set(ledger.customers.map((c) => c.name)).size).toBe(ledger.customers.length);
    expect(new Set(ledger.invoices.map((i) => i.number)).size).toBe(ledger.invoices.length);
  });

  it('has the variety the product must handle', () => {
    const qbo = world.quickbooks;
    const xero = world.xero;
    expect(qbo.homeCurrency).toBe('USD');
    expect(xero.homeCurrency).toBe('GBP');
    expect(new Set(qbo.customers.map((c) => c.currency))).toEqual(new Set(['USD', 'CAD', 'EUR']));
    expect(new Set(xero.customers.map((c) => c.currency))).toEqual(new Set(['GBP', 'EUR', 'USD']));
    const languages = new Set([...qbo.customers, ...xero.customers].map((c) => c.language));
    expect(languages).toEqual(new Set(['fr', 'en', 'de', 'es']));
    const roles = new Set(qbo.customers.flatMap((c) => c.contacts.map((k) => k.role)));
    expect(roles).toEqual(new Set(['billing', 'main']));
    const statuses = (l: WorldLedger): Set<string> => new Set(l.invoices.map((i) => i.status));
    expect(statuses(qbo)).toEqual(new Set(['open', 'paid', 'void']));
    expect(statuses(xero)).toEqual(new Set(['open', 'paid', 'void', 'draft']));
    const partial = qbo.invoices.filter((i) => i.status === 'open' && i.balanceMinor < i.totalMinor);
    expect(partial.length).toBeGreaterThan(10);
    expect(qbo.payments.some((p) => p.allocations.length === 0 && p.unappliedMinor > 0)).toBe(true);
    expect(qbo.payments.some((p) => p.allocations.length > 1)).toBe(true);
    expect(qbo.creditNotes.filter((n) => n.allocations.length > 0).length).toBeGreaterThan(10);
    expect(qbo.creditNotes.some((n) => n.remainingMinor > 0)).toBe(true);
    const terms = new Set(qbo.invoices.map((i) => (Date.parse(i.dueDate) - Date.parse(i.issueDate)) / 86_400_000));
    expect(terms).toEqual(new Set([15, 30, 45, 60]));
  });

  it('makes payer profiles drive payment: early payers settle, never-payers do not', () => {
    const byProfile = new Map<PayerProfile, { open: number; overdue: number; all: number }>();
    const customers = new Map(world.quickbooks.customers.map((c) => [c.id, c]));
    for (const inv of world.quickbooks.invoices) {
      if (inv.status === 'void' || inv.dueDate >= '2026-01-01') continue; // long past due only
      const profile = customers.get(inv.customerId)!.profile;
      const s = byProfile.get(profile) ?? { open: 0, overdue: 0, all: 0 };
      s.all++;
      if (inv.balanceMinor > 0) s.open++;
      byProfile.set(profile, s);
    }
    const openShare = (p: PayerProfile): number => byProfile.get(p)!.open / byProfile.get(p)!.all;
    expect([...byProfile.keys()].sort()).toEqual(['disputes', 'early', 'late', 'never', 'on_time', 'very_late']);
    expect(openShare('early')).toBeLessThan(0.1);
    expect(openShare('on_time')).toBeLessThan(0.1);
    expect(openShare('never')).toBeGreaterThan(0.8);
    expect(openShare('disputes')).toBeGreaterThan(openShare('on_time'));
    expect(openShare('very_late')).toBeGreaterThan(openShare('early'));
  });

  it('gives HubSpot matchable, ambiguous and CRM-only companies', () => {
    const crm = world.hubspot;
    const customers = new Map(world.quickbooks.customers.map((c) => [c.id, c]));
    const matched = crm.companies.filter((c) => c.matchesCustomerId !== null);
    expect(matched.length / customers.size).toBeGreaterThan(0.75);
    let byDomain = 0;
    let byNameOnly = 0;
    for (const company of matched) {
      const customer = customers.get(company.matchesCustomerId!)!;
      expect(normalizedName(company.name)).toBe(normalizedName(customer.name));
      if (company.domain !== null && company.domain === customer.domain) byDomain++;
      else byNameOnly++;
    }
    expect(byDomain).toBeGreaterThan(byNameOnly);
    expect(byNameOnly).toBeGreaterThan(0);
    expect(matched.some((c) => c.name !== customers.get(c.matchesCustomerId!)!.name)).toBe(true);
    const names = new Map<string, number>();
    for (const c of crm.companies) names.set(normalizedName(c.name), (names.get(normalizedName(c.name)) ?? 0) + 1);
    const ambiguous = [...names.values()].filter((n) => n > 1);
    expect(ambiguous.length).toBeGreaterThan(0);
    const crmOnly = crm.companies.filter((c) => c.matchesCustomerId === null && names.get(normalizedName(c.name)) === 1);
    expect(crmOnly.length).toBeGreaterThan(0);
    const companyIds = new Set(crm.companies.map((c) => c.id));
    expect(companyIds.size).toBe(crm.companies.length);
    expect(crm.contacts.every((k) => k.companyId === null || companyIds.has(k.companyId))).toBe(true);
    const ownerIds = new Set(crm.owners.map((o) => o.id));
    expect(crm.companies.every((c) => c.ownerId === null || ownerIds.has(c.ownerId))).toBe(true);
  });

  it('has an ambiguous pair even in the smallest world', () => {
    for (const seed of [1, 2, 3]) {
      const w = generateWorld({ seed, invoices: 10, asOf: '2026-03-01' });
      const names = w.hubspot.companies.map((c) => normalizedName(c.name));
      expect(new Set(names).size).toBeLessThan(names.length);
    }
  });
});
