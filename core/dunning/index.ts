export { planCustomer } from './plan-customer.ts';
export { simulate, simulationToJson, actionToJson, skippedToJson, type SimulationResult } from './simulate.ts';
export { itemLevel, stepDate, type ItemLevel } from './levels.ts';
export { selectScenario, matchesSegment, overdueInBaseCurrency } from './scenario-selection.ts';
export { firstStopRule } from './stop-rules.ts';
export {
  type PlanContext, type PlannedAction, type SkippedCustomer, type CustomerPlan, type ActionStatus, type StopRule,
  STOP_RULES,
} from './types.ts';
export { forecastNextAction, FORECAST_HORIZON_DAYS, type ForecastAction } from './forecast.ts';
