/**
 * A realistic message input for previews (`relance template preview`) and template tests: two
 * overdue invoices in euros, one in pounds, fees, a portal and a payment link.
 */
import type { MessageChannel, RenderMessageInput } from './types.ts';

export function sampleMessageInput(templateName: string, channel: MessageChannel, language: string): RenderMessageInput {
  return {
    templateName,
    channel,
    language,
    date: '2026-03-02',
    organization: {
      name: 'Atelier Dupont SAS',
      language: 'fr',
      country: 'FR',
      email: 'compta@atelier-dupont.example',
      phone: '+33 1 84 80 00 00',
      address: ['12 rue des Tanneurs', '75011 Paris'],
      postalAddress: { lines: ['12 rue des Tanneurs'], postalCode: '75011', city: 'Paris', country: 'FR' },
      latePaymentPolicy: 'FR_B2B',
    },
    customer: {
      name: 'Boulangerie Martin & Fils', reference: 'C-1042', language: null,
      postalAddress: { lines: ['4 place du Marché'], postalCode: '69002', city: 'Lyon', country: 'FR' },
    },
    contact: { name: 'Claire Martin', email: 'claire@martin.example', phone: '+33612345678', language: language },
    collector: { name: 'Julie Bernard', email: 'julie.bernard@atelier-dupont.example', phone: '+33 1 84 80 00 12' },
    items: [
      { externalId: 'I1', number: 'F-2026-001', issueDate: '2026-01-05', dueDate: '2026-02-04', currency: 'EUR', total: 120000n, balance: 100000n, fees: { interest: 752n, fixed: 4000n } },
      { externalId: 'I2', number: 'F-2026-014', issueDate: '2026-01-20', dueDate: '2026-02-19', currency: 'EUR', total: 234550n, balance: 234550n, fees: { interest: 180n, fixed: 4000n } },
      { externalId: 'I3', number: 'F-2026-020', issueDate: '2026-01-28', dueDate: '2026-02-27', currency: 'GBP', total: 50000n, balance: 50000n },
    ],
    fees: { currency: 'EUR', interest: 932n, fixed: 8000n },
    history: [{ date: '2026-02-11', channel: 'email' }],
    portalUrl: 'https://pay.atelier-dupont.example/p/9f3a2c',
    paymentLinks: { I1: 'https://connect.intuit.example/pay/I1', I2: 'https://connect.intuit.example/pay/I2' },
  };
}
