/**
 * Back-off strategies as small composable functions, in the manner of Agenda's and BullMQ's: a
 * strategy maps a retry number to a delay in milliseconds, or `null` to stop retrying.
 */
import { systemRandom, type Random } from './random.ts';

export interface BackoffContext {
  /** 1 for the first retry (the call has failed once), 2 for the second, … */
  attempt: number;
  random: Random;
}

export type BackoffStrategy = (context: BackoffContext) => number | null;

export interface ExponentialOptions {
  /** The ceiling of the first retry's delay. */
  baseMs: number;
  /** Growth per retry; 2 doubles. */
  factor?: number;
  /** No delay exceeds this, however many retries. */
  capMs: number;
  /** Retries allowed; the one after returns `null`. */
  maxRetries: number;
}

/**
 * Exponential back-off with full jitter (delay uniform in [0, min(cap, base·factor^(n-1))]): the
 * spread keeps many workers that failed together from retrying together.
 */
export function exponentialFullJitter(options: ExponentialOptions): BackoffStrategy {
  const factor = options.factor ?? 2;
  return ({ attempt, random }) => {
    if (attempt < 1 || attempt > options.maxRetries) return null;
    const ceiling = Math.min(options.capMs, options.baseMs * factor ** (attempt - 1));
    return Math.floor(random() * ceiling);
  };
}

/** The same delay for each retry, up to `maxRetries`. */
export function constant(delayMs: number, maxRetries: number): BackoffStrategy {
  return ({ attempt }) => (attempt >= 1 && attempt <= maxRetries ? delayMs : null);
}

/** Never retries. */
export const never: BackoffStrategy = () => null;

/** Caps a strategy's retry count without changing its delays. */
export function limitRetries(strategy: BackoffStrategy, maxRetries: number): BackoffStrategy {
  return (context) => (context.attempt > maxRetries ? null : strategy(context));
}

/** Tries each strategy in turn; the first that answers a delay wins. */
export function combine(...strategies: BackoffStrategy[]): BackoffStrategy {
  return (context) => {
    for (const strategy of strategies) {
      const delay = strategy(context);
      if (delay !== null) return delay;
    }
    return null;
  };
}

/** Runs a strategy with the process's randomness (convenience for callers outside `decideRetry`). */
export function delayFor(strategy: BackoffStrategy, attempt: number, random: Random = systemRandom): number | null {
  return strategy({ attempt, random });
}
