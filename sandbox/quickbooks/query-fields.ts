/**
 * Which fields each entity lets a query filter and sort on, and how their values compare: Ids as
 * numbers, instants as epoch milliseconds, dates and strings as text, amounts as numbers.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice (filterable attributes)
 */
import type { Literal } from './query-language.ts';
import type { EntityName, Row } from './store.ts';
import { parseQboInstant } from './time-format.ts';

export type FieldType = 'id' | 'instant' | 'date' | 'string' | 'boolean' | 'amount';
export type Comparable = number | string | boolean;

export interface FieldDef {
  name: string;
  type: FieldType;
  get(row: Row): Comparable | undefined;
}

const body = (name: string) => (row: Row) => row.body[name] as Comparable | undefined;
const ref = (name: string) => (row: Row) => (row.body[name] as { value?: string } | undefined)?.value;

const COMMON: FieldDef[] = [
  { name: 'Id', type: 'id', get: (r) => r.numId },
  { name: 'MetaData.CreateTime', type: 'instant', get: (r) => r.createdMs },
  { name: 'MetaData.LastUpdatedTime', type: 'instant', get: (r) => r.updatedMs },
];

const TXN: FieldDef[] = [
  { name: 'TxnDate', type: 'date', get: body('TxnDate') },
  { name: 'CustomerRef', type: 'id', get: (r) => Number(ref('CustomerRef')(r)) },
  { name: 'TotalAmt', type: 'amount', get: body('TotalAmt') },
];

const FIELDS: Record<EntityName, FieldDef[]> = {
  Customer: [
    ...COMMON,
    { name: 'Active', type: 'boolean', get: body('Active') },
    { name: 'DisplayName', type: 'string', get: body('DisplayName') },
    { name: 'CompanyName', type: 'string', get: body('CompanyName') },
    { name: 'Balance', type: 'amount', get: body('Balance') },
    { name: 'PrimaryEmailAddr', type: 'string', get: (r) => (r.body.PrimaryEmailAddr as { Address?: string } | undefined)?.Address },
  ],
  Invoice: [
    ...COMMON,
    ...TXN,
    { name: 'DocNumber', type: 'string', get: body('DocNumber') },
    { name: 'DueDate', type: 'date', get: body('DueDate') },
    { name: 'Balance', type: 'amount', get: body('Balance') },
  ],
  Payment: [...COMMON, ...TXN],
  CreditMemo: [
    ...COMMON,
    ...TXN,
    { name: 'DocNumber', type: 'string', get: body('DocNumber') },
    { name: 'Balance', type: 'amount', get: body('Balance') },
  ],
  CompanyInfo: [...COMMON],
  Preferences: [...COMMON],
};

/** The field as the entity knows it (names are matched case-insensitively), or null. */
export function fieldOf(entity: EntityName, name: string): FieldDef | null {
  const lower = name.toLowerCase();
  return FIELDS[entity].find((f) => f.name.toLowerCase() === lower) ?? null;
}

/** A literal of the query turned into the field's comparable form; null when it cannot be one. */
export function coerce(field: FieldDef, value: Literal): Comparable | null {
  switch (field.type) {
    case 'id':
    case 'amount': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? n : null;
    }
    case 'instant': {
      const ms = typeof value === 'string' ? parseQboInstant(value) : NaN;
      return Number.isNaN(ms) ? null : ms;
    }
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : null;
    case 'string':
      return typeof value === 'string' ? value : null;
  }
}
