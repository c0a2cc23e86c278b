/**
 * The data of a French request for an "injonction de payer" (Code de procédure civile, articles
 * 1405 to 1425; form Cerfa n° 12948 for the tribunal judiciaire or the tribunal de commerce), as
 * the creditor's lawyer or the court's online service asks for it: the parties, the principal,
 * the interest and the fixed compensation claimed (Code de commerce L441-10 for a business
 * debtor), the grounds, and the list of supporting documents. Relance fills what the ledger
 * knows; the lawyer completes and signs.
 */
import type { CaseFile } from './case-file.ts';

export interface InjonctionRequest {
  procedure: "injonction de payer";
  legalBasis: string[];
  creancier: { denomination: string; adresse: string[]; pays: string | null };
  debiteur: { denomination: string; adresse: string[]; pays: string | null; siren: string | null };
  /** Per currency: the principal, the interest to date and the fixed compensation claimed. */
  sommes: Record<string, { principal: string; interets: string; indemniteForfaitaire: string; total: string }>;
  interetsCalculesAu: string;
  exposeDesMotifs: string;
  piecesJustificatives: string[];
}

export function injonctionDePayer(file: CaseFile): InjonctionRequest {
  const legalBasis = ['Code de procédure civile, art. 1405 à 1425'];
  if (file.policy === 'FR_B2B') legalBasis.push('Code de commerce, art. L441-10 (pénalités de retard et indemnité forfaitaire pour frais de recouvrement)');
  const reminders = file.reminders.length;
  const numbers = file.invoices.map((i) => i.number);
  return {
    procedure: 'injonction de payer',
    legalBasis,
    creancier: { denomination: file.creditor.name, adresse: file.creditor.address, pays: file.creditor.country },
    debiteur: { denomination: file.debtor.name, adresse: file.debtor.address, pays: file.debtor.country, siren: file.debtor.taxId },
    sommes: Object.fromEntries(Object.entries(file.totals).map(([currency, t]) => [currency, {
      principal: t.principal, interets: t.interest, indemniteForfaitaire: t.fixed, total: t.total,
    }])),
    interetsCalculesAu: file.asOf,
    exposeDesMotifs:
      `Factures impayées n° ${numbers.join(', ')} émises par ${file.creditor.name} à ${file.debtor.name}, ` +
      `restées impayées à leur échéance malgré ${reminders} relance${reminders === 1 ? '' : 's'}` +
      (file.reminders.length ? ` (la dernière le ${file.reminders[file.reminders.length - 1]!.date})` : '') + '.',
    piecesJustificatives: [
      ...file.invoices.map((i) => `Facture n° ${i.number} du ${i.issueDate}, échue le ${i.dueDate}`),
      ...file.reminders.filter((r) => r.channel === 'letter').map((r) => `Mise en demeure du ${r.date}`),
      'Historique des relances (reminders.csv)',
    ],
  };
}
