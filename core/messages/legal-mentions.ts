/**
 * The legal mentions a reminder or letter carries under its organization's late-payment policy,
 * in the reader's language. The wording follows each text's own terms: France's Code de
 * commerce, article L441-10 (penalties due without a reminder being needed; the recovery
 * indemnity, set at 40 € by article D441-5), Directive 2011/7/EU (articles 3 and 6), the UK's
 * Late Payment of Commercial Debts (Interest) Act 1998 (sections 1 and 5A).
 * Each text is written in French, English, Spanish and German; the Spanish and German wording
 * translates the same policy's text and names no national law of the reader's country (Spain's
 * Ley 3/2004, Germany's BGB §288): a letter cites the law of the policy in force, not the reader's.
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
    es:
      'De conformidad con el artículo L441-10 del Código de Comercio francés, las penalizaciones por demora son exigibles de pleno derecho desde el día siguiente a la fecha de vencimiento, ' +
      'sin necesidad de requerimiento previo, al tipo de interés aplicado por el Banco Central Europeo a su operación de refinanciación más reciente incrementado en 10 puntos porcentuales; ' +
      'además, todo profesional que incurra en demora en el pago adeuda de pleno derecho una indemnización fija por costes de cobro de 40 € por factura (artículo D441-5).',
    de:
      'Gemäß Artikel L441-10 des französischen Handelsgesetzbuchs (Code de commerce) sind Verzugszinsen ab dem Tag nach dem Fälligkeitsdatum kraft Gesetzes geschuldet, ohne dass es einer Mahnung bedarf, ' +
      'in Höhe des Zinssatzes der jüngsten Refinanzierungsoperation der Europäischen Zentralbank zuzüglich 10 Prozentpunkten; ' +
      'ein Unternehmen, das in Zahlungsverzug gerät, schuldet zudem kraft Gesetzes eine Pauschalentschädigung für Beitreibungskosten von 40 € je Rechnung (Artikel D441-5).',
  },
  EU_DIRECTIVE: {
    fr:
      'En application de la directive 2011/7/UE concernant la lutte contre le retard de paiement, des intérêts pour retard de paiement au taux de référence majoré de 8 points ' +
      'et une indemnité forfaitaire pour frais de recouvrement de 40 € par facture sont dus sans qu’un rappel soit nécessaire.',
    en:
      'Under Directive 2011/7/EU on combating late payment in commercial transactions, interest for late payment at the reference rate plus 8 percentage points ' +
      'and a fixed sum of €40 per invoice for recovery costs are due without any reminder being necessary.',
    es:
      'En aplicación de la Directiva 2011/7/UE, por la que se establecen medidas de lucha contra la morosidad en las operaciones comerciales, se adeudan, sin necesidad de requerimiento previo, ' +
      'intereses de demora al tipo de referencia incrementado en 8 puntos porcentuales y una cantidad fija de 40 € por factura en concepto de costes de cobro.',
    de:
      'Nach der Richtlinie 2011/7/EU zur Bekämpfung von Zahlungsverzug im Geschäftsverkehr sind, ohne dass es einer Mahnung bedarf, Verzugszinsen in Höhe des Bezugszinssatzes zuzüglich 8 Prozentpunkten ' +
      'sowie ein Pauschalbetrag von 40 € je Rechnung als Entschädigung für Beitreibungskosten geschuldet.',
  },
  UK_LPCDA: {
    en:
      'Under the Late Payment of Commercial Debts (Interest) Act 1998, statutory interest accrues on the debt at 8% above the Bank of England base rate, ' +
      'and a fixed sum for recovery costs is payable on each invoice (£40, £70 or £100 according to its amount).',
    fr:
      'En application du Late Payment of Commercial Debts (Interest) Act 1998, des intérêts légaux courent au taux de base de la Banque d’Angleterre majoré de 8 points, ' +
      'et une indemnité forfaitaire de recouvrement est due pour chaque facture (40 £, 70 £ ou 100 £ selon son montant).',
    es:
      'En virtud de la Late Payment of Commercial Debts (Interest) Act 1998 del Reino Unido, la deuda devenga intereses legales al tipo básico del Banco de Inglaterra incrementado en 8 puntos porcentuales, ' +
      'y por cada factura se adeuda una cantidad fija en concepto de costes de cobro (40 £, 70 £ o 100 £ según su importe).',
    de:
      'Nach dem britischen Late Payment of Commercial Debts (Interest) Act 1998 fallen auf die Forderung gesetzliche Zinsen in Höhe von 8 Prozentpunkten über dem Leitzins der Bank of England an, ' +
      'und für jede Rechnung ist ein Pauschalbetrag für Beitreibungskosten zu zahlen (40 £, 70 £ oder 100 £ je nach Rechnungsbetrag).',
  },
  CUSTOM: {
    fr: 'Conformément à nos conditions générales de vente, des pénalités de retard et une indemnité forfaitaire pour frais de recouvrement sont dues à compter du lendemain de l’échéance.',
    en: 'In accordance with our terms of sale, late-payment interest and a fixed recovery charge are due from the day after the due date.',
    es: 'De conformidad con nuestras condiciones generales de venta, desde el día siguiente al vencimiento se adeudan intereses de demora y una indemnización fija por costes de cobro.',
    de: 'Gemäß unseren Allgemeinen Geschäftsbedingungen sind ab dem Tag nach Fälligkeit Verzugszinsen und eine Pauschale für Beitreibungskosten geschuldet.',
  },
};

/** The mention for `policy` in `language` (English when the language has none), or "" for NONE. */
export function legalMention(policy: string | null | undefined, language: string): string {
  const byLanguage = policy ? MENTIONS[policy] : undefined;
  if (!byLanguage) return '';
  return byLanguage[language] ?? byLanguage.en ?? '';
}
