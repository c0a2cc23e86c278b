/**
 * The "Relance" property group on companies and the properties write-back keeps in it, as data.
 * Names are lowercase with underscores, as HubSpot requires; `mappings/hubspot/company.json` reads
 * the same names back.
 * https://developers.hubspot.com/docs/api/crm/properties
 * https://developers.hubspot.com/docs/api/crm/properties#property-type-and-fieldtype-values
 */

export const RELANCE_GROUP = { name: 'relance', label: 'Relance' } as const;

export interface PropertyDefinition {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'bool';
  fieldType: 'text' | 'number' | 'date' | 'booleancheckbox';
  description: string;
  options?: { label: string; value: string }[];
}

// A single checkbox is `bool` + `booleancheckbox` with the two options HubSpot shows.
const YES_NO = [
  { label: 'Yes', value: 'true' },
  { label: 'No', value: 'false' },
];

export const RELANCE_PROPERTIES: readonly PropertyDefinition[] = [
  { name: 'relance_stage', label: 'Dunning stage', type: 'string', fieldType: 'text', description: 'The dunning step the customer has reached in Relance.' },
  { name: 'relance_overdue_amount', label: 'Overdue amount', type: 'number', fieldType: 'number', description: 'Overdue open balance, in relance_overdue_currency.' },
  { name: 'relance_overdue_currency', label: 'Overdue currency', type: 'string', fieldType: 'text', description: 'ISO 4217 currency of the overdue amount.' },
  { name: 'relance_oldest_overdue_days', label: 'Oldest overdue (days)', type: 'number', fieldType: 'number', description: 'Days past due of the oldest overdue invoice.' },
  { name: 'relance_disputed', label: 'Disputed', type: 'bool', fieldType: 'booleancheckbox', description: 'Check to stop reminders while a dispute is open; uncheck to resume.', options: YES_NO },
  { name: 'relance_paused', label: 'Reminders paused', type: 'bool', fieldType: 'booleancheckbox', description: 'Check to pause reminders for this customer; uncheck to resume.', options: YES_NO },
  { name: 'relance_next_action', label: 'Next planned action', type: 'string', fieldType: 'text', description: 'The next reminder Relance plans.' },
  { name: 'relance_next_action_date', label: 'Next action date', type: 'date', fieldType: 'date', description: 'When the next planned action is due.' },
  { name: 'relance_promise_date', label: 'Promise to pay date', type: 'date', fieldType: 'date', description: 'The date the customer promised to pay by.' },
  { name: 'relance_portal_link', label: 'Payment portal link', type: 'string', fieldType: 'text', description: "The customer's Relance portal link." },
  // Credit (core/credit): written by Relance, for the salesperson to read before quoting.
  { name: 'relance_credit_limit', label: 'Credit limit', type: 'string', fieldType: 'text', description: 'The credit limit granted in Relance, with its currency ("5000.00 EUR").' },
  { name: 'relance_credit_hold', label: 'Credit hold', type: 'bool', fieldType: 'booleancheckbox', description: 'Set by Relance while the customer is on credit hold: no new order on credit.', options: YES_NO },
  { name: 'relance_credit_hold_reason', label: 'Credit hold reason', type: 'string', fieldType: 'text', description: 'Why Relance put the customer on credit hold.' },
  { name: 'relance_amount_over_limit', label: 'Amount over credit limit', type: 'string', fieldType: 'text', description: 'How far the open balance exceeds the credit limit ("1200.00 EUR").' },
  // Read, not written (issue 19.7): filled in by sales, looked up at the company registry (core/credit/registry).
  { name: 'relance_company_number', label: 'Company registration number', type: 'string', fieldType: 'text', description: 'The company registration number (e.g. Companies House); Relance checks the company at the registry every night.' },
];

export const RELANCE_PROPERTY_NAMES: readonly string[] = RELANCE_PROPERTIES.map((p) => p.name);
