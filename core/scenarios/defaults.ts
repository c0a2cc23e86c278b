/** The scenarios that ship with Relance (gentle, standard, firm B2B), kept as data in `defaults/`. */
import { readFileSync } from 'node:fs';
import { parseScenario, type ScenarioInput } from './schema.ts';

export const DEFAULT_SCENARIO_NAMES = ['firm-b2b', 'gentle', 'standard'] as const;

/** The default scenarios, validated like any saved one, in priority order. */
export function defaultScenarios(): ScenarioInput[] {
  return DEFAULT_SCENARIO_NAMES.map((name) =>
    parseScenario(JSON.parse(readFileSync(new URL(`./defaults/${name}.json`, import.meta.url), 'utf8'))),
  );
}
