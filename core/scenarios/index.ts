/** Scenarios as data: schema, shipped defaults, the store repository, pinning and holds. */
export {
  scenarioShape, parseScenario, toPlannerScenario, RISK_CLASSES, SCENARIO_STOP_RULES,
  type ScenarioInput, type RiskClass,
} from './schema.ts';
export { defaultScenarios, DEFAULT_SCENARIO_NAMES } from './defaults.ts';
export { saveScenario, installDefaultScenarios, loadScenarios, pinScenario } from './repository.ts';
export { placeHold, releaseHold, type HoldInput } from './holds.ts';
export { checkScenarioSteps } from './step-check.ts';
