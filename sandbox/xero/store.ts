/**
 * The simulator's Xero organisation in memory: one indexed table per entity, the ledger beside each
 * invoice (exact minor units) and the maps from the world's ids to Xero's GUIDs.
 */
import { Table } from './table.ts';
import type {
  InvoiceLedger,
  XeroContact,
  XeroCreditNote,
  XeroInvoice,
  XeroOverpayment,
  XeroPayment,
  XeroPrepayment,
} from './types.ts';

export class XeroStore {
  readonly contacts = new Table<XeroContact>();
  readonly invoices = new Table<XeroInvoice>();
  readonly payments = new Table<XeroPayment>();
  readonly creditNotes = new Table<XeroCreditNote>();
  readonly overpayments = new Table<XeroOverpayment>();
  readonly prepayments = new Table<XeroPrepayment>();
  readonly ledgers = new Map<string, InvoiceLedger>();
  /** World id → Xero GUID, per kind ("contact", "invoice", "payment", "creditNote"). */
  readonly idOf = new Map<string, string>();
  private counter = 0;
  /** What `GET /Organisation` answers: the organisation's own facts, set by the seed. */
  organisation: { baseCurrency: string; countryCode: string } = { baseCurrency: 'GBP', countryCode: 'GB' };

  constructor(
    readonly seed: number,
    readonly tenantId: string,
    readonly organisationName: string,
  ) {}

  /** Next number for records made at run time (payments, history rows). */
  next(): number {
    return ++this.counter;
  }

  xeroId(kind: string, worldOrXeroId: string): string {
    return this.idOf.get(`${kind}:${worldOrXeroId}`) ?? worldOrXeroId;
  }

  mapId(kind: string, worldId: string, xeroId: string): void {
    this.idOf.set(`${kind}:${worldId}`, xeroId);
  }
}
