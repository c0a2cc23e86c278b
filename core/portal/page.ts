/** What a customer's portal page shows: the organization's branding, open invoices, reminders sent. */
import { acceptedLanguages, countryLanguage } from '../messages/language.ts';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { formatMinor } from '../money.ts';
import { actions, connections, contacts, customers, invoices, organizationBranding, organizations } from '../store/schema/index.ts';
import type { Executor } from '../store/index.ts';
import { loadPortalHistory, type PortalHistory } from './history.ts';
import { invoiceLinks } from './invoice-links.ts';
import type { OpenedLink } from './links.ts';

export const PORTAL_LANGUAGES = ['fr', 'en', 'es', 'de'] as const;
export type PortalLanguage = (typeof PORTAL_LANGUAGES)[number];

export interface PortalInvoice {
  id: string;
  number: string | null;
  issueDate: string | null;
  dueDate: string | null;
  currency: string;
  total: string;
  balance: string;
  disputed: boolean;
  paymentUrl: string | null;
}

export interface PortalPage {
  organization: { name: string; logoUrl: string | null; primaryColor: string };
  customer: { name: string };
  language: PortalLanguage;
  invoices: PortalInvoice[];
  reminders: { sentAt: string; channel: string }[];
  /** The customer's promises, plan requests and disputes with their status (./history.ts). */
  history?: PortalHistory;
}

/** The first supported language among the customer's, its billing contact's and the organization's. */
export function portalLanguage(...candidates: (string | null | undefined)[]): PortalLanguage {
  for (const c of candidates) {
    const base = c?.slice(0, 2).toLowerCase();
    if (base && (PORTAL_LANGUAGES as readonly string[]).includes(base)) return base as PortalLanguage;
  }
  return 'en';
}

/**
 * The portal page of a link. Its language: the admin's override on the customer, the customer's,
 * its billing contact's, its country's, then the browser's Accept-Language, then the organization's.
 */
export async function loadPortalPage(db: Executor, link: OpenedLink, acceptLanguage: string | null = null): Promise<PortalPage> {
  const [row] = await db
    .select({ org: organizations, customer: customers, branding: organizationBranding })
    .from(customers)
    .innerJoin(organizations, eq(organizations.id, customers.organizationId))
    .leftJoin(organizationBranding, eq(organizationBranding.organizationId, organizations.id))
    .where(and(eq(customers.id, link.customerId), eq(customers.organizationId, link.organizationId)));
  if (!row) throw new Error(`portal link ${link.tokenId} names a customer that is gone`);
  const [billing] = await db.select({ language: contacts.language }).from(contacts).where(eq(contacts.customerId, link.customerId)).orderBy(asc(contacts.role)).limit(1);
  const open = await db
    .select({ invoice: invoices, provider: connections.provider })
    .from(invoices)
    .innerJoin(connections, eq(connections.id, invoices.connectionId))
    .where(and(eq(invoices.customerId, link.customerId), eq(invoices.organizationId, link.organizationId), inArray(invoices.status, ['open'])))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const sent = await db
    .select({ sentAt: actions.sentAt, channel: actions.channel })
    .from(actions)
    .where(and(eq(actions.customerId, link.customerId), eq(actions.status, 'sent')))
    .orderBy(desc(actions.sentAt))
    .limit(20);
  return {
    organization: { name: row.org.name, logoUrl: row.branding?.logoUrl ?? null, primaryColor: row.branding?.primaryColor ?? '#1f4e79' },
    customer: { name: row.customer.name },
    language: portalLanguage(row.customer.languageOverride, row.customer.language, billing?.language, countryLanguage(row.customer.country), ...acceptedLanguages(acceptLanguage), row.org.locale),
    invoices: open.map(({ invoice: i, provider }) => ({
      id: i.id, number: i.number, issueDate: i.issueDate, dueDate: i.dueDate, currency: i.currency,
      total: formatMinor(i.totalMinor, i.currency), balance: formatMinor(i.balanceMinor, i.currency), disputed: i.disputed,
      ...invoiceLinks(provider, i.raw, i.customFields, i.paymentUrl),
    })),
    reminders: sent.filter((a) => a.sentAt).map((a) => ({ sentAt: a.sentAt!.toISOString(), channel: a.channel })),
    history: await loadPortalHistory(db, link),
  };
}
