/**
 * A worker process for the split-run tests: joins an opened daily run with one lane, prints
 * `part <n>` as each part commits and its counts as JSON at the end. It waits for a line on stdin
 * before it starts, so that two workers start together; with PART_PAUSE_MS it pauses after each
 * part, so that neither can take every part before the other has begun.
 * Environment: DATABASE_URL, ORGANIZATION_ID, RUN_ID, AS_OF, PART_PAUSE_MS (optional).
 */
import { once } from 'node:events';
import { openStore } from '../../core/store/db.ts';
import { joinRun } from '../../core/agenda/index.ts';

const store = openStore(process.env.DATABASE_URL!, { max: 2 });
const pause = Number(process.env.PART_PAUSE_MS ?? 0);
process.stdout.write('worker ready\n');
await once(process.stdin, 'data');
const counts = await joinRun(store.db, {
  organizationId: process.env.ORGANIZATION_ID!, runId: process.env.RUN_ID!, asOf: process.env.AS_OF!, lanes: 1,
  onPart: async ({ part }) => {
    process.stdout.write(`part ${part}\n`);
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  },
});
process.stdout.write(JSON.stringify(counts) + '\n');
await store.close();
process.exit(0);
