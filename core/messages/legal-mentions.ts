/**
 * The legal mentions a reminder or letter carries under its organization's late-payment policy,
 * in the reader's language. The wording follows each text's own terms: France's Code de
 * commerce, article L441-10 (penalties due without a reminder being needed; the recovery
 * indemnity, set at 40 € by article D441-5), Directive 2011/7/EU (articles 3 and 6), the UK's
 * Late Payment of Commercial Debts (Interest) Act 1998 (sections 1 and 5A).
 * https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000038414250
 * https://eur-lex.europa.eu/eli/dir/2011/7/oj
 * https://www.legislation.gov.uk/ukpga/1998/20
 */

type Mentions = Readonly<Record<string, string>>;

const MENTIONS: Readonly<Record<string, Mentions>> = {
  FR_B2B: {
    fr:
      'Conformément à l’article L441-10 du Code de commerce, les pénalités de retard sont exigibles de plein droit dès le lendemain de la date d’échéance, ' +
      'sans qu’un rappel soit nécessaire, au taux d’intérêt appliqué par la Banque centrale européenne à son opération de refinancement la plus récente majoré de 10 points ; ' +
      'tout professionnel en situation de retard de paiement est en outre de plein droit débiteur d’une indemnité forfaitaire pour frais de recouvrement de 40 € par facture (article D441-5).',
    en:
      'Under article L441-10 of the French Commercial Code, late-payment penalties are due by law from the day after the due date, without any reminder being needed, ' +
      'at the European Central Bank’s most recent refinancing rate plus 10 percentage points; a business that pays late also owes by law a fixed recovery indemnity of €40 per invoice (article D441-5).',
  },
  EU_DIRECTIVE: {
    fr:
      'En application de la directive 2011/7/UE concernant la lutte contre le retard de paiement, des intérêts pour retard de paiement au taux de référence majoré de 8 points ' +
      'et une indemnité forfaitaire pour frais de recouvrement de 40 € par facture sont dus sans qu’un rappel soit nécessaire.',
    en:
      'Under Directive 2011/7/EU on combating late payment in commercial transactions, interest for late payment at the reference rate plus 8 percentage points ' +
      'and a fixed sum of €40 per invoice for recovery costs are due without any reminder being necessary.',
  },
  UK_LPCDA: {
    en:
      'Under the Late Payment of Commercial Debts (Interest) Act 1998, statutory interest accrues on the debt at 8% above the Bank of England base rate, ' +
      'and a fixed sum for recovery costs is payable on each invoice (£40, £70 or £100 according to its amount).',
    fr:
      'En application du Late Payment of Commercial Debts (Interest) Act 1998, des intérêts légaux courent au taux de base de la Banque d’Angleterre majoré de 8 points, ' +
      'et une indemnité forfaitaire de recouvrement est due pour chaque facture (40 £, 70 £ ou 100 £ selon son montant).',
  },
  CUSTOM: {
    fr: 'Conformément à nos conditions générales de vente, des pénalités de retard et une indemnité forfaitaire pour frais de recouvrement sont dues à compter du lendemain de l’échéance.',
    en: 'In accordance with our terms of sale, late-payment interest and a fixed recovery charge are due from the day after the due date.',
  },
};

/** The mention for `policy` in `language` (English when the language has none), or "" for NONE. */
export function legalMention(policy: string | null | undefined, language: string): string {
  const byLanguage = policy ? MENTIONS[policy] : undefined;
  if (!byLanguage) return '';
  return byLanguage[language] ?? byLanguage.en ?? '';
}
