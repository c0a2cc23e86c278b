/**
 * What a company registry says, applied to customers: each customer with a company number is
 * looked up (nightly, and on demand); the answer is applied only when it is about the number asked
 * — an answer for another company is refused and recorded with the field named, never applied.
 * An insolvency event — a new insolvency case, or a status that means the company is insolvent or
 * gone (liquidation, administration, dissolved, …) — holds dunning for the customer (reminders to
 * a company in proceedings go to the practitioner, not the debtor) and alerts the credit manager.
 * Every check is kept (`company_registry_checks`), applied or not.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { NotFound, isRelanceError } from '../../errors.ts';
import type { Db, Executor, Tx } from '../../store/index.ts';
import { activities, type RegistryCheckOutcome } from '../../store/schema/index.ts';
import { raiseAlert } from '../alerts.ts';
import { parseInput } from '../parse.ts';
import { DISTRESSED_STATUSES, type CompanyRegistryProvider, type RegistryCompany } from './provider.ts';

const numberSchema = z.strictObject({
  companyNumber: z.string().trim().min(1, 'must not be empty (null clears it)').max(32).regex(/^[A-Za-z0-9 ]+$/, 'letters and digits only').nullable(),
});

/** Sets or clears the customer's company number (an admin's edit). */
export async function setCompanyNumber(tx: Tx, organizationId: string, customerId: string, input: unknown): Promise<{ customerId: string; companyNumber: string | null }> {
  const body = parseInput(numberSchema, input, 'company number');
  const value = body.companyNumber === null ? null : body.companyNumber.replace(/\s+/g, '').toUpperCase();
  const { rows } = await tx.execute<{ id: string }>(sql`
    UPDATE customers SET company_number = ${value}, updated_at = now() WHERE id = ${customerId}::uuid AND organization_id = ${organizationId}::uuid RETURNING id`);
  if (!rows[0]) throw new NotFound('customer not found', { field: 'customerId' });
  return { customerId, companyNumber: value };
}

export interface RegistryCheck {
  customerId: string;
  registry: string | null;
  companyNumber: string | null;
  outcome: RegistryCheckOutcome | 'no_number' | 'no_registry';
  field: string | null;
  message: string | null;
  /** True when this check found an insolvency event (dunning held, alert raised). */
  insolvencyEvent: boolean;
}

function isDistressed(status: string | null): boolean {
  return status !== null && DISTRESSED_STATUSES.has(status);
}

const caseKey = (c: RegistryCompany['insolvencyCases'][number]) => `${c.type}#${c.number ?? ''}`;

async function record(db: Executor, organizationId: string, customerId: string, registry: string, number: string, outcome: RegistryCheckOutcome, field: string | null, message: string | null, answer: unknown): Promise<void> {
  await db.execute(sql`
    INSERT INTO company_registry_checks (organization_id, customer_id, registry, company_number, outcome, field, message, answer)
    VALUES (${organizationId}::uuid, ${customerId}::uuid, ${registry}, ${number}, ${outcome}, ${field}, ${message}, ${answer === undefined ? null : JSON.stringify(answer)}::jsonb)`);
}

/**
 * The customer's company number: the one an admin set, else what the provider holds — Xero's
 * Contact `CompanyNumber`, or the linked HubSpot company's `relance_company_number` property.
 * https://developer.xero.com/documentation/api/accounting/contacts (CompanyNumber)
 */
const companyNumberOf = (c: string) => sql.raw(`coalesce(${c}.company_number, nullif(trim(${c}.raw->>'CompanyNumber'), ''),
  (SELECT nullif(trim(cr.raw->'properties'->>'relance_company_number'), '') FROM customer_external_refs r
     JOIN crm_records cr ON cr.connection_id = r.connection_id AND cr.object_type = 'company' AND cr.external_id = r.external_id
    WHERE r.customer_id = ${c}.id AND r.kind = 'company' ORDER BY r.external_id LIMIT 1))`);

/** Looks the customer up and applies the answer; never throws for a registry failure (it is recorded). */
export async function checkCustomerRegistry(db: Db, provider: CompanyRegistryProvider | null, organizationId: string, customerId: string): Promise<RegistryCheck> {
  const { rows: [customer] } = await db.execute<{ name: string; company_number: string | null }>(sql`
    SELECT c.name, ${companyNumberOf('c')} AS company_number FROM customers c WHERE c.id = ${customerId}::uuid AND c.organization_id = ${organizationId}::uuid`);
  if (!customer) throw new NotFound('customer not found', { field: 'customerId' });
  const base = { customerId, registry: provider?.registry ?? null, insolvencyEvent: false };
  if (!customer.company_number) return { ...base, companyNumber: null, outcome: 'no_number', field: 'companyNumber', message: 'the customer has no company number' };
  if (!provider) return { ...base, companyNumber: customer.company_number, outcome: 'no_registry', field: null, message: 'no company registry is configured (COMPANIES_HOUSE_API_KEY)' };
  const asked = provider.normalize(customer.company_number);
  let answer: Awaited<ReturnType<CompanyRegistryProvider['lookup']>>;
  try {
    answer = await provider.lookup(asked);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const field = isRelanceError(error) ? ((error.details as { field?: string }).field ?? null) : null;
    await record(db, organizationId, customerId, provider.registry, asked, 'failed', field, message, undefined);
    return { ...base, companyNumber: asked, outcome: 'failed', field, message };
  }
  if (!answer) {
    await record(db, organizationId, customerId, provider.registry, asked, 'not_found', 'companyNumber', `${provider.registry} has no company ${asked}`, undefined);
    return { ...base, companyNumber: asked, outcome: 'not_found', field: 'companyNumber', message: `${provider.registry} has no company ${asked}` };
  }
  const company = answer.company;
  if (provider.normalize(company.companyNumber) !== asked) {
    // Never applied: a registry (or a proxy in front of it) answering for another company would
    // otherwise put a stranger's insolvency, or a stranger's clean record, on this customer.
    const message = `the registry answered for company ${company.companyNumber}, not ${asked}: not applied`;
    await record(db, organizationId, customerId, provider.registry, asked, 'refused', 'company_number', message, answer.raw);
    return { ...base, companyNumber: asked, outcome: 'refused', field: 'company_number', message };
  }
  return db.transaction(async (tx) => {
    const { rows: [before] } = await tx.execute<{ company_status: string | null; insolvency_cases: RegistryCompany['insolvencyCases']; company_number: string }>(sql`
      SELECT company_status, insolvency_cases, company_number FROM company_registry_records WHERE customer_id = ${customerId}::uuid FOR UPDATE`);
    const sameCompany = before?.company_number === asked;
    const knownCases = new Set((sameCompany ? before!.insolvency_cases : []).map(caseKey));
    const newCases = company.insolvencyCases.filter((c) => !knownCases.has(caseKey(c)));
    const becameDistressed = isDistressed(company.status) && !(sameCompany && isDistressed(before!.company_status));
    const unchanged = sameCompany && before!.company_status === company.status && newCases.length === 0;
    await tx.execute(sql`
      INSERT INTO company_registry_records (customer_id, organization_id, registry, company_number, company_name, company_status, has_insolvency_history, insolvency_cases, registered_address, checked_at)
      VALUES (${customerId}::uuid, ${organizationId}::uuid, ${provider.registry}, ${asked}, ${company.name}, ${company.status}, ${company.hasInsolvencyHistory},
              ${JSON.stringify(company.insolvencyCases)}::jsonb, ${company.address ? JSON.stringify(company.address) : null}::jsonb, now())
      ON CONFLICT (customer_id) DO UPDATE SET registry = EXCLUDED.registry, company_number = EXCLUDED.company_number, company_name = EXCLUDED.company_name,
        company_status = EXCLUDED.company_status, has_insolvency_history = EXCLUDED.has_insolvency_history, insolvency_cases = EXCLUDED.insolvency_cases,
        registered_address = EXCLUDED.registered_address, checked_at = now()`);
    await record(tx, organizationId, customerId, provider.registry, asked, unchanged ? 'unchanged' : 'applied', null, null, answer.raw);
    const event = becameDistressed || newCases.length > 0;
    if (event) await onInsolvency(tx, organizationId, customerId, customer.name, provider.registry, asked, company, newCases);
    return { ...base, companyNumber: asked, outcome: unchanged ? 'unchanged' : 'applied', field: null, message: null, insolvencyEvent: event };
  });
}

/** Holds dunning (one open registry hold per customer) and alerts the credit manager, once per event. */
async function onInsolvency(tx: Tx, organizationId: string, customerId: string, name: string, registry: string, number: string, company: RegistryCompany, newCases: RegistryCompany['insolvencyCases']): Promise<void> {
  const what = newCases.length > 0 ? newCases.map((c) => c.type).join(', ') : `status ${company.status}`;
  const reason = `Company registry (${registry} ${number}): ${what}`;
  const { rows: [current] } = await tx.execute<{ hold_id: string | null; open: boolean }>(sql`
    SELECT r.hold_id, (h.id IS NOT NULL AND h.released_at IS NULL) AS open FROM company_registry_records r
      LEFT JOIN dunning_holds h ON h.id = r.hold_id WHERE r.customer_id = ${customerId}::uuid`);
  let holdId = current?.open ? current.hold_id : null;
  if (!holdId) {
    const { rows: [hold] } = await tx.execute<{ id: string }>(sql`
      INSERT INTO dunning_holds (organization_id, customer_id, reason, created_by) VALUES (${organizationId}::uuid, ${customerId}::uuid, ${reason}, 'job:credit.registry') RETURNING id`);
    holdId = hold!.id;
    await tx.execute(sql`UPDATE company_registry_records SET hold_id = ${holdId}::uuid WHERE customer_id = ${customerId}::uuid`);
    // Planned reminders would go out before the next planning run: they are cancelled with the reason.
    await tx.execute(sql`
      UPDATE actions SET status = 'cancelled', updated_at = now(),
             details = details || jsonb_build_object('cancelledBecause', 'insolvency', 'registry', ${registry}::text, 'companyNumber', ${number}::text)
       WHERE customer_id = ${customerId}::uuid AND status IN ('planned', 'awaiting_approval')`);
  }
  await raiseAlert(tx, {
    organizationId, customerId, kind: 'insolvency',
    dedupeKey: `insolvency:${customerId}:${number}:${company.status ?? ''}:${company.insolvencyCases.map(caseKey).sort().join(',')}`,
    details: { registry, companyNumber: number, companyName: company.name, status: company.status, cases: newCases, holdId },
  });
  await tx.insert(activities).values({
    organizationId, customerId, actor: 'job:credit.registry', kind: 'credit.registry.insolvency',
    payload: { registry, companyNumber: number, status: company.status, cases: newCases, holdId, customer: name },
  });
}

/** Checks every customer of the organization that has a company number; returns the checks. */
export async function refreshRegistry(db: Db, provider: CompanyRegistryProvider, organizationId: string): Promise<RegistryCheck[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    SELECT c.id FROM customers c WHERE c.organization_id = ${organizationId}::uuid AND c.active AND ${companyNumberOf('c')} IS NOT NULL ORDER BY c.id`);
  const out: RegistryCheck[] = [];
  for (const { id } of rows) out.push(await checkCustomerRegistry(db, provider, organizationId, id));
  return out;
}

/** The customer's company number, the registry's latest applied answer, and the last checks. */
export async function registryStatus(db: Executor, organizationId: string, customerId: string) {
  const { rows: [c] } = await db.execute<{ company_number: string | null }>(sql`
    SELECT ${companyNumberOf('c')} AS company_number FROM customers c WHERE c.id = ${customerId}::uuid AND c.organization_id = ${organizationId}::uuid`);
  if (!c) throw new NotFound('customer not found', { field: 'customerId' });
  const { rows: [r] } = await db.execute<{ registry: string; company_number: string; company_name: string | null; company_status: string | null; has_insolvency_history: boolean; insolvency_cases: unknown[]; registered_address: unknown; checked_at: Date; hold_id: string | null }>(sql`
    SELECT registry, company_number, company_name, company_status, has_insolvency_history, insolvency_cases, registered_address, checked_at, hold_id
      FROM company_registry_records WHERE customer_id = ${customerId}::uuid`);
  const { rows: checks } = await db.execute<{ registry: string; company_number: string; outcome: string; field: string | null; message: string | null; checked_at: Date }>(sql`
    SELECT registry, company_number, outcome, field, message, checked_at FROM company_registry_checks
     WHERE customer_id = ${customerId}::uuid ORDER BY checked_at DESC, id LIMIT 20`);
  return {
    companyNumber: c.company_number,
    record: r ? {
      registry: r.registry, companyNumber: r.company_number, name: r.company_name, status: r.company_status, hasInsolvencyHistory: r.has_insolvency_history,
      insolvencyCases: r.insolvency_cases, address: r.registered_address, checkedAt: new Date(r.checked_at).toISOString(), holdId: r.hold_id,
    } : null,
    checks: checks.map((k) => ({ registry: k.registry, companyNumber: k.company_number, outcome: k.outcome, field: k.field, message: k.message, checkedAt: new Date(k.checked_at).toISOString() })),
  };
}

