/**
 * The Xero records the simulator serves, in Xero's own field names.
 * https://developer.xero.com/documentation/api/accounting/invoices
 * https://developer.xero.com/documentation/api/accounting/contacts
 * https://developer.xero.com/documentation/api/accounting/payments
 * https://developer.xero.com/documentation/api/accounting/creditnotes
 * https://developer.xero.com/documentation/api/accounting/overpayments
 * https://developer.xero.com/documentation/api/accounting/prepayments
 */
export type InvoiceStatus = 'DRAFT' | 'SUBMITTED' | 'AUTHORISED' | 'PAID' | 'VOIDED' | 'DELETED';
export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID', 'VOIDED', 'DELETED'];

export interface ContactRef {
  ContactID: string;
  Name: string;
  Addresses: unknown[];
  Phones: unknown[];
  ContactGroups: unknown[];
  ContactPersons: unknown[];
  HasValidationErrors: boolean;
}

export interface XeroContact {
  ContactID: string;
  ContactNumber: string;
  AccountNumber: string;
  ContactStatus: 'ACTIVE' | 'ARCHIVED';
  Name: string;
  FirstName: string;
  LastName: string;
  EmailAddress: string;
  TaxNumber: string;
  Addresses: { AddressType: string; AddressLine1?: string; City?: string; PostalCode?: string; Country?: string }[];
  Phones: { PhoneType: string; PhoneNumber: string; PhoneAreaCode: string; PhoneCountryCode: string }[];
  UpdatedDateUTC: string;
  ContactGroups: unknown[];
  IsSupplier: boolean;
  IsCustomer: boolean;
  DefaultCurrency: string;
  ContactPersons: { FirstName: string; LastName: string; EmailAddress: string; IncludeInEmails: boolean }[];
  HasAttachments: boolean;
  HasValidationErrors: boolean;
}

export interface PaymentSummary {
  PaymentID: string;
  Date: string;
  Amount: number;
  Reference: string;
  CurrencyRate: number;
  HasAccount: boolean;
  HasValidationErrors: boolean;
}

export interface CreditSummary {
  CreditNoteID: string;
  CreditNoteNumber: string;
  AppliedAmount: number;
  Date: string;
  DateString: string;
  Total: number;
  HasErrors: boolean;
}

export interface LineItem {
  LineItemID: string;
  Description: string;
  Quantity: number;
  UnitAmount: number;
  LineAmount: number;
  TaxAmount: number;
  AccountCode: string;
  TaxType: string;
  Tracking: unknown[];
}

export interface XeroInvoice {
  Type: 'ACCREC' | 'ACCPAY';
  InvoiceID: string;
  InvoiceNumber: string;
  Reference: string;
  Payments: PaymentSummary[];
  CreditNotes: CreditSummary[];
  Prepayments: unknown[];
  Overpayments: unknown[];
  AmountDue: number;
  AmountPaid: number;
  AmountCredited: number;
  CurrencyRate: number;
  IsDiscounted: boolean;
  HasAttachments: boolean;
  HasErrors: boolean;
  Contact: ContactRef;
  DateString: string;
  Date: string;
  DueDateString: string;
  DueDate: string;
  Status: InvoiceStatus;
  LineAmountTypes: 'Exclusive' | 'Inclusive' | 'NoTax';
  LineItems: LineItem[];
  SubTotal: number;
  TotalTax: number;
  Total: number;
  UpdatedDateUTC: string;
  CurrencyCode: string;
  FullyPaidOnDate?: string;
}

export interface InvoiceRef {
  Type: 'ACCREC' | 'ACCPAY';
  InvoiceID: string;
  InvoiceNumber: string;
  Contact: { ContactID: string; Name: string };
  CurrencyCode: string;
}

export interface XeroPayment {
  PaymentID: string;
  Date: string;
  BankAmount: number;
  Amount: number;
  Reference: string;
  CurrencyRate: number;
  PaymentType: 'ACCRECPAYMENT' | 'ACCPAYPAYMENT';
  Status: 'AUTHORISED' | 'DELETED';
  UpdatedDateUTC: string;
  HasAccount: boolean;
  IsReconciled: boolean;
  Account: { AccountID: string; Code: string };
  Invoice: InvoiceRef;
  HasValidationErrors: boolean;
}

export interface Allocation {
  AllocationID: string;
  Amount: number;
  Date: string;
  Invoice: InvoiceRef;
  IsDeleted: boolean;
}

export interface XeroCreditNote {
  CreditNoteID: string;
  /** Xero repeats the id as `ID` in credit notes, overpayments and prepayments. */
  ID: string;
  CreditNoteNumber: string;
  Type: 'ACCRECCREDIT' | 'ACCPAYCREDIT';
  Reference: string;
  Contact: { ContactID: string; Name: string };
  Date: string;
  DateString: string;
  Status: 'AUTHORISED' | 'PAID' | 'VOIDED';
  LineAmountTypes: 'NoTax';
  LineItems: LineItem[];
  SubTotal: number;
  TotalTax: number;
  Total: number;
  UpdatedDateUTC: string;
  CurrencyCode: string;
  CurrencyRate: number;
  FullyPaidOnDate?: string;
  RemainingCredit: number;
  Allocations: Allocation[];
  HasAttachments: boolean;
}

/** What an overpayment and a prepayment share: money received, spent by allocating it to invoices. */
export interface ReceivedCredit {
  ID: string;
  Reference: string;
  Contact: { ContactID: string; Name: string };
  Date: string;
  DateString: string;
  LineAmountTypes: 'NoTax';
  LineItems: LineItem[];
  SubTotal: number;
  TotalTax: number;
  Total: number;
  UpdatedDateUTC: string;
  CurrencyCode: string;
  CurrencyRate: number;
  RemainingCredit: number;
  Allocations: Allocation[];
  Payments: PaymentSummary[];
  HasAttachments: boolean;
}

export interface XeroOverpayment extends ReceivedCredit {
  OverpaymentID: string;
  Type: 'RECEIVE-OVERPAYMENT';
  Status: 'AUTHORISED' | 'PAID';
}

/**
 * A customer's prepayment (RECEIVE-PREPAYMENT): money received before the invoice exists, spent by
 * allocating it to invoices later. https://developer.xero.com/documentation/api/accounting/prepayments
 */
export interface XeroPrepayment extends ReceivedCredit {
  PrepaymentID: string;
  Type: 'RECEIVE-PREPAYMENT';
  Status: 'AUTHORISED' | 'PAID' | 'VOIDED';
}

export interface HistoryRecord {
  Changes: string;
  DateUTCString: string;
  DateUTC: string;
  User: string;
  Details: string;
}

/** What the simulator keeps beside an invoice's JSON to change it exactly. */
export interface InvoiceLedger {
  worldId: string | null;
  totalMinor: number;
  paidMinor: number;
  creditedMinor: number;
  history: HistoryRecord[];
}
