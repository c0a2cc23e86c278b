/**
 * Names, e-mail addresses and domains for the generated world, by language. Company names follow
 * each country's habits (an "Inc." in the US, a "SAS" in France, a "GmbH" in Germany) because the
 * CRM matching that Relance does has to see through exactly those suffixes.
 */
import type { SeededRandom } from '../shared/seeded-random.ts';

export type Language = 'fr' | 'en' | 'de' | 'es';

const FIRST: Record<Language, readonly string[]> = {
  en: ['James', 'Mary', 'Robert', 'Linda', 'Michael', 'Sarah', 'David', 'Emily', 'Daniel', 'Olivia', 'Thomas', 'Grace', 'Samuel', 'Chloe', 'Henry', 'Amelia'],
  fr: ['Jean', 'Marie', 'Pierre', 'Camille', 'Luc', 'Sophie', 'Antoine', 'Claire', 'Julien', 'Élodie', 'Nicolas', 'Manon', 'Hugo', 'Léa', 'François', 'Inès'],
  de: ['Lukas', 'Anna', 'Jonas', 'Lena', 'Felix', 'Laura', 'Maximilian', 'Julia', 'Paul', 'Sophie', 'Leon', 'Hannah', 'Stefan', 'Katrin', 'Jürgen', 'Petra'],
  es: ['Javier', 'Lucía', 'Carlos', 'María', 'Alejandro', 'Carmen', 'Pablo', 'Sofía', 'Diego', 'Elena', 'Andrés', 'Paula', 'Miguel', 'Laura', 'Sergio', 'Marta'],
};

const LAST: Record<Language, readonly string[]> = {
  en: ['Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Clarke', 'Walker', 'Wright', 'Hughes', 'Carter', 'Turner', 'Parker', 'Bennett', 'Hayes'],
  fr: ['Martin', 'Bernard', 'Dubois', 'Durand', 'Lefèvre', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Garnier', 'Rousseau', 'Fontaine', 'Chevalier', 'Roux', 'Faure', 'Mercier'],
  de: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schulz', 'Koch', 'Richter', 'Wolf', 'Neumann', 'Braun', 'Krüger'],
  es: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Díaz', 'Moreno', 'Muñoz', 'Romero', 'Navarro', 'Torres', 'Ruiz'],
};

const STEMS = [
  'Northwind', 'Bluefield', 'Harbor', 'Summit', 'Ironwood', 'Silverline', 'Redstone', 'Greenway', 'Oakridge', 'Brightwater',
  'Falcon', 'Granite', 'Meridian', 'Pinecrest', 'Riverbend', 'Sterling', 'Westbrook', 'Aurora', 'Cobalt', 'Crescent',
  'Evergreen', 'Horizon', 'Keystone', 'Lakeside', 'Maple', 'Nova', 'Orion', 'Pioneer', 'Quarry', 'Ridgeline',
  'Sequoia', 'Tidewater', 'Unity', 'Vantage', 'Willow', 'Zenith', 'Alder', 'Beacon', 'Cedar', 'Delta',
  'Atlas', 'Bramble', 'Copperleaf', 'Driftwood', 'Ember', 'Foxglove', 'Glacier', 'Hawthorn', 'Juniper', 'Kestrel',
];

const TRADES: Record<Language, readonly string[]> = {
  en: ['Logistics', 'Supply', 'Foods', 'Engineering', 'Consulting', 'Builders', 'Print', 'Labs', 'Outfitters', 'Systems', 'Design', 'Freight', 'Energy', 'Medical', 'Textiles'],
  fr: ['Logistique', 'Distribution', 'Alimentaire', 'Ingénierie', 'Conseil', 'Bâtiment', 'Imprimerie', 'Laboratoires', 'Équipements', 'Systèmes', 'Design', 'Transports', 'Énergie', 'Médical', 'Textile'],
  de: ['Logistik', 'Handel', 'Lebensmittel', 'Technik', 'Beratung', 'Bau', 'Druck', 'Labor', 'Ausrüstung', 'Systeme', 'Design', 'Spedition', 'Energie', 'Medizintechnik', 'Textil'],
  es: ['Logística', 'Suministros', 'Alimentación', 'Ingeniería', 'Consultoría', 'Construcciones', 'Imprenta', 'Laboratorios', 'Equipos', 'Sistemas', 'Diseño', 'Transportes', 'Energía', 'Médica', 'Textil'],
};

/** Legal-form suffixes by country; the CRM copy may drop or respell them. */
const SUFFIXES: Record<string, readonly string[]> = {
  US: ['Inc.', 'LLC', 'Corp.', 'Co.'],
  CA: ['Inc.', 'Ltd.', 'Corp.'],
  GB: ['Ltd', 'Limited', 'PLC'],
  IE: ['Ltd', 'Limited'],
  FR: ['SAS', 'SARL', 'SA'],
  BE: ['SA', 'SRL'],
  DE: ['GmbH', 'AG', 'KG'],
  AT: ['GmbH', 'AG'],
  ES: ['S.L.', 'S.A.'],
};

/** Respellings of a suffix that a salesperson typing into the CRM produces. */
const SUFFIX_VARIANTS: Record<string, readonly string[]> = {
  'Inc.': ['Inc', ', Inc.', 'Incorporated', ''],
  LLC: ['L.L.C.', 'llc', ''],
  'Corp.': ['Corp', 'Corporation', ''],
  'Co.': ['Co', 'Company', ''],
  'Ltd.': ['Ltd', 'Limited', ''],
  Ltd: ['Ltd.', 'Limited', ''],
  Limited: ['Ltd', 'Ltd.', ''],
  PLC: ['plc', ''],
  SAS: ['S.A.S.', 'sas', ''],
  SARL: ['S.A.R.L.', 'Sarl', ''],
  SA: ['S.A.', ''],
  SRL: ['S.R.L.', ''],
  GmbH: ['GMBH', 'Gmbh', ''],
  AG: [''],
  KG: [''],
  'S.L.': ['SL', 'S.L', ''],
  'S.A.': ['SA', ''],
};

const TLD: Record<string, string> = { US: 'com', CA: 'ca', GB: 'co.uk', IE: 'ie', FR: 'fr', BE: 'be', DE: 'de', AT: 'at', ES: 'es' };
const FREE_MAIL = ['gmail.com', 'outlook.com', 'yahoo.com', 'orange.fr', 'gmx.de'] as const;
const BILLING_LOCAL: Record<Language, readonly string[]> = {
  en: ['accounts', 'ap', 'billing', 'invoices', 'finance'],
  fr: ['compta', 'comptabilite', 'factures', 'fournisseurs'],
  de: ['buchhaltung', 'rechnungen', 'finanzen'],
  es: ['contabilidad', 'facturas', 'administracion'],
};

export interface PersonName {
  firstName: string;
  lastName: string;
}

export function personName(rng: SeededRandom, language: Language): PersonName {
  return { firstName: rng.pick(FIRST[language]), lastName: rng.pick(LAST[language]) };
}

export interface CompanyName {
  /** The full legal name as the ledger holds it, e.g. "Northwind Logistics Inc.". */
  name: string;
  /** The name without its legal-form suffix. */
  base: string;
  suffix: string;
}

/**
 * A company name unique within `taken` (ledgers refuse two customers with one display name: QuickBooks
 * DisplayName and Xero contact Name are unique). Collisions get a distinguishing place-like word.
 */
export function companyName(rng: SeededRandom, language: Language, country: string, taken: Set<string>): CompanyName {
  const suffix = rng.pick(SUFFIXES[country] ?? SUFFIXES.US!);
  let base = `${rng.pick(STEMS)} ${rng.pick(TRADES[language])}`;
  const root = base;
  for (let n = 2; taken.has(normalizeForUniqueness(base)); n++) {
    base = n < 6 ? `${rng.pick(STEMS)} ${rng.pick(STEMS)} ${rng.pick(TRADES[language])}` : `${root} ${n}`;
  }
  taken.add(normalizeForUniqueness(base));
  return { name: `${base} ${suffix}`, base, suffix };
}

/** Base names compare without case and accents so that two customers never collide after normalizing. */
export function normalizeForUniqueness(base: string): string {
  return base.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** How the CRM spells a ledger's company: another suffix form, another case, the odd stray space. */
export function crmNameVariant(rng: SeededRandom, company: CompanyName): string {
  const suffixes = SUFFIX_VARIANTS[company.suffix] ?? [''];
  const suffix = rng.chance(0.5) ? company.suffix : rng.pick(suffixes);
  let name = suffix.startsWith(',') ? `${company.base}${suffix}` : `${company.base} ${suffix}`.trim();
  const style = rng.int(0, 9);
  if (style === 0) name = name.toUpperCase();
  else if (style === 1) name = name.toLowerCase();
  else if (style === 2) name = `${name} `;
  return name;
}

/** The company's web domain, unique within `taken`. */
export function companyDomain(base: string, country: string, taken: Set<string>): string {
  const slug = base
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const tld = TLD[country] ?? 'com';
  let domain = `${slug}.${tld}`;
  for (let n = 2; taken.has(domain); n++) domain = `${slug}-${n}.${tld}`;
  taken.add(domain);
  return domain;
}

export function billingLocalPart(rng: SeededRandom, language: Language): string {
  return rng.pick(BILLING_LOCAL[language]);
}

export function freeMailDomain(rng: SeededRandom): string {
  return rng.pick(FREE_MAIL);
}

/** "Élodie Lefèvre" at a domain → "elodie.lefevre@domain". */
export function personalEmail(person: PersonName, domain: string): string {
  const local = `${person.firstName}.${person.lastName}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z.]/g, '');
  return `${local}@${domain}`;
}
