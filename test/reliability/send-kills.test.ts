/**
 * The send workers under SIGKILL, short version (the long one: bench/reliability/send-kills.ts).
 * Two real worker processes, killed 1–3 times per trial while reminders are unsent: nothing is
 * lost (every action recorded sent, each with a copy the server answered), nothing stuck, no
 * timeline entry doubled, and every duplicate inside the window of core/sending/README.md: made by
 * a kill between its first copy's final dot and the re-send. How many duplicates a kill makes is a
 * rate (messages per second in that window), printed here and counted over 60 trials by
 * bench/reliability/send-kills.ts; six kills cannot tell a rate of 1 in 20 from 1 in 5, so this
 * short version bounds where duplicates come from, not their number. And a slow SMTP server (3.5 s
 * per message, longer than the lease) without any crash: not a single duplicate, since each worker
 * renews the lease of what it is sending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSendTestbed, openSendTestbed, type SendTestbed } from '../sending/testbed.ts';
import { runSendTrial, totalOf, type SendTrialCounts } from './send-trial.ts';

let bed: SendTestbed;
beforeAll(async () => void (bed = await openSendTestbed()));
afterAll(() => closeSendTestbed(bed ?? {}));

describe('two send workers killed with SIGKILL', () => {
  it('lose nothing, leave nothing stuck, and send a duplicate only for a kill inside its window', { timeout: 240_000 }, async () => {
    const { t, sink } = bed;
    sink.replyDelayMs = 10;
    const trials: SendTrialCounts[] = [];
    for (const kills of [1, 2, 3]) {
      trials.push(await runSendTrial({ databaseUrl: t.url, db: t.db, sink, reminders: 60, kills, leaseMs: 15_000, batchSize: 20 }));
    }
    const total = totalOf(trials);
    expect(total.kills).toBeGreaterThan(0);
    expect({ lost: total.lost, stuck: total.stuck, extraActivities: total.extraActivities }).toEqual({ lost: 0, stuck: 0, extraActivities: 0 });
    console.log(`send kills: ${JSON.stringify(total)}`);
    expect(total.duplicates).toBe(total.duplicatesAcrossKill);
  });
});

describe('two send workers and a slow SMTP server (3.5 s a message, lease 2 s)', () => {
  it('never re-claim a live send: no duplicate without a crash', { timeout: 120_000 }, async () => {
    const { t, sink } = bed;
    sink.replyDelayMs = 3500;
    const trial = await runSendTrial({ databaseUrl: t.url, db: t.db, sink, reminders: 16, kills: 0, leaseMs: 2000, batchSize: 8 });
    expect(trial).toMatchObject({ kills: 0, duplicates: 0, lost: 0, stuck: 0, extraActivities: 0 });
  });
});
