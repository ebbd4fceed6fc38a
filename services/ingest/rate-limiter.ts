/**
 * A clock (injectable so tests run on virtual time) and a token-bucket rate limiter on it.
 */
import { setTimeout as sleepTimer } from "node:timers/promises";

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` (rejects with the signal's reason when aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleepTimer(ms, undefined, signal ? { signal } : undefined);
  },
};

/**
 * A virtual clock for tests: `sleep` advances time at once and resolves on the next microtask.
 *
 * @example
 * const clock = createManualClock(1000);
 * await clock.sleep(250);
 * console.assert(clock.now() === 1250);
 */
export function createManualClock(startMs = 0): Clock & { advance(ms: number): void; slept(): number } {
  let now = startMs;
  let slept = 0;
  return {
    now: () => now,
    async sleep(ms) {
      now += Math.max(0, ms);
      slept += Math.max(0, ms);
    },
    advance(ms) {
      now += ms;
    },
    slept: () => slept,
  };
}

export interface RateLimiter {
  /** Waits until one token is available and takes it. */
  take(signal?: AbortSignal): Promise<void>;
}

/**
 * A token bucket: `rate` tokens a second, at most `burst` stored (default: a twentieth of a second's
 * worth, at least 1). A rate of 0 (or less, or Infinity) means no limit.
 */
export function createRateLimiter(rate: number, clock: Clock = systemClock, burst?: number): RateLimiter {
  if (!(rate > 0) || rate === Infinity) return { take: async () => {} };
  const capacity = Math.max(1, burst ?? Math.ceil(rate / 20));
  let tokens = capacity;
  let last = clock.now();
  const refill = () => {
    const now = clock.now();
    tokens = Math.min(capacity, tokens + ((now - last) * rate) / 1000);
    last = now;
  };
  return {
    async take(signal) {
      refill();
      while (tokens < 1) {
        await clock.sleep(Math.max(1, ((1 - tokens) * 1000) / rate), signal);
        refill();
      }
      tokens -= 1;
    },
  };
}
