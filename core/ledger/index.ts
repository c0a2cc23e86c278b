export type {
  Organization, Customer, Invoice, InvoiceAllocation, PromiseToPay, ScenarioStep, StepAction, Segment, Scenario,
  CustomerLedger, Ledger,
} from './model.ts';
export { STEP_ACTIONS } from './model.ts';
export { openBalanceOn, isOpenOn, isOverdueOn, balanceDaySum } from './balance.ts';
export { parseLedger, formatPath } from './parse.ts';
export { readLedgerFile } from './read-file.ts';
