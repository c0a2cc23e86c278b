/** The payer score and risk class: pure scoring, and its recomputation on the store. */
export {
  scorePayer, riskClassOf, RECENT_DAYS, LOOK_BACK_DAYS, DEFAULT_SCORING,
  type PayerFacts, type ScoringRules, type PaidInvoiceFact, type OverdueInvoiceFact, type PayerScore, type ScoreFactor, type ScoreFactorName,
} from './payer-score.ts';
export { rescoreCustomers, rescoreOrganization, previewScores, scoreHistory, type ScorePreview } from './rescore.ts';
export { parseScoringRules, putScoringRules, scoringRulesOf } from './rules.ts';
export { RESCORE_HOUR, claimRescore, dueRescores, runRescore } from './schedule.ts';
