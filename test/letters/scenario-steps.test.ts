import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScenarioSteps, parseScenario } from '../../core/scenarios/index.ts';
import { organizations, templateOverrides } from '../../core/store/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

describe('a scenario’s steps are checked against the templates and channels on save', () => {
  let t: TestDatabase;
  let orgId: string;
  const scenario = (template: string, action = 'letter') =>
    parseScenario({ name: 'custom', segment: {}, steps: [{ offsetDays: 7, action: 'email', template: 'reminder-1' }, { offsetDays: 30, action, template }] });

  beforeAll(async () => {
    t = await createTestDatabase();
    const [org] = await t.db.insert(organizations).values({ name: 'Atelier', baseCurrency: 'EUR', country: 'FR' }).returning();
    orgId = org!.id;
  });
  afterAll(async () => t?.drop());

  it('refuses a step naming a template that exists neither shipped nor as the organization’s copy, naming the field', async () => {
    await expect(checkScenarioSteps(t.db, orgId, scenario('no-such-letter'))).rejects.toMatchObject({ details: { field: 'steps.1.template' } });
    await expect(checkScenarioSteps(t.db, orgId, scenario('reminder-1'))).rejects.toThrow(/no letter template "reminder-1"/);
    await expect(checkScenarioSteps(t.db, orgId, scenario('formal-notice'))).resolves.toBeUndefined();
    // A task step names no message template: nothing to check.
    await expect(checkScenarioSteps(t.db, orgId, scenario('anything', 'task'))).resolves.toBeUndefined();
  });

  it('accepts the organization’s own template, and refuses a channel that is not configured', async () => {
    await t.db.insert(templateOverrides).values({ organizationId: orgId, channel: 'letter', name: 'own-letter', language: 'fr', source: 'Subject: Objet\nBonjour', updatedBy: 'user:test' });
    await expect(checkScenarioSteps(t.db, orgId, scenario('own-letter'))).resolves.toBeUndefined();
    await expect(checkScenarioSteps(t.db, orgId, scenario('reminder-2', 'sms'), ['email', 'letter'])).rejects.toMatchObject({ details: { field: 'steps.1.action' } });
  });
});
