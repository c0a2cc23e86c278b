/**
 * Credit risk and the legal end (issue #19): limits and terms granted by request and approval,
 * credit holds that salespeople see in the CRM, credit insurance (exposure, declaration
 * deadlines), the alerts of the daily credit review, and hand-overs to litigation or a collection
 * agency with their case file.
 */
export { requestCredit, decideCredit, listCreditRequests, type CreditRequest, type CreditRequestInput } from './limits.ts';
export { getCreditSettings, putCreditSettings, proposeLimit, customerCredit, organizationToday, type CreditSettings, type LimitProposal } from './settings.ts';
export { reviewCreditHolds, decideHold, type HoldReview } from './holds.ts';
export { getInsurancePolicy, putInsurancePolicy, deleteInsurancePolicy, setInsuredLimit, insuranceExposure, debtsToDeclare } from './insurance.ts';
export { listAlerts, resolveAlert, raiseAlert, type CreditAlert } from './alerts.ts';
export { reviewCredit, type CreditReview } from './review.ts';
export { handOver, closeHandover, getHandover, listHandovers, owedOn, type Handover } from './handover.ts';
export { buildCaseFile, caseDocuments, caseFileZip, type CaseFile } from './case-file.ts';
export { renderCaseFilePdf } from './case-file-pdf.ts';
export { requestFeePosting, decideFeePosting, listFeePostings, getFeePosting, feesToPost, postedFeesFor, type FeePosting, type FeeDecision } from './fee-postings.ts';
