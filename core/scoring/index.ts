/** The payer score and risk class: pure scoring, and its recomputation on the store. */
export {
  scorePayer, riskClassOf, RECENT_DAYS, LOOK_BACK_DAYS,
  type PayerFacts, type PaidInvoiceFact, type PayerScore, type ScoreFactor, type ScoreFactorName,
} from './payer-score.ts';
export { rescoreCustomers, rescoreOrganization } from './rescore.ts';
