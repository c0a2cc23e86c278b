/** The parts of a daily run: ranges of customer ids that workers claim one at a time (core/agenda/parts.ts). */
import { integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { dunningRuns } from './dunning-engine.ts';

export const dunningRunParts = pgTable(
  'dunning_run_parts',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => dunningRuns.id, { onDelete: 'cascade' }),
    part: integer('part').notNull(),
    /** The part's customers: firstCustomerId ≤ id < nextCustomerId (null: no upper bound). */
    firstCustomerId: uuid('first_customer_id').notNull(),
    nextCustomerId: uuid('next_customer_id'),
    finishedAt: instant('finished_at'),
    finishedBy: text('finished_by'),
    counts: jsonb('counts').$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.part] })],
);
