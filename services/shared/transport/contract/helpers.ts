/**
 * Helpers of the transport contract suite: bounded waits, and a receiver that never loses a message
 * when a wait times out (the pending next() is kept for the following call).
 */
import type { InboundMessage, Subscription } from "../transport.ts";

const TIMEOUT = Symbol("timeout");

/** Resolves to the promise's value, or TIMEOUT after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMEOUT);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Pulls messages from a subscription with timeouts. */
export interface Receiver {
  /** The next message, or undefined when none arrives within `ms` or the iteration ended. */
  next(ms: number): Promise<InboundMessage | undefined>;
  /** Exactly `n` messages, failing when they do not arrive within `ms` in total. */
  take(n: number, ms: number): Promise<InboundMessage[]>;
  /** True when the iteration has ended (done: true). */
  readonly ended: boolean;
}

/** Wraps a subscription's iterator; a next() that timed out is reused, so no message is dropped. */
export function receiver(sub: Subscription): Receiver {
  const iterator = sub[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<InboundMessage>> | undefined;
  let ended = false;
  const next = async (ms: number): Promise<InboundMessage | undefined> => {
    if (ended) return undefined;
    pending ??= iterator.next();
    const result = await within(pending, ms);
    if (result === TIMEOUT) return undefined;
    pending = undefined;
    if (result.done === true) {
      ended = true;
      return undefined;
    }
    return result.value;
  };
  return {
    next,
    async take(n: number, ms: number): Promise<InboundMessage[]> {
      const deadline = Date.now() + ms;
      const out: InboundMessage[] = [];
      while (out.length < n) {
        const message = await next(Math.max(1, deadline - Date.now()));
        if (message === undefined) {
          throw new Error(`received ${out.length} of ${n} messages within ${ms} ms${ended ? " (iteration ended)" : ""}`);
        }
        out.push(message);
      }
      return out;
    },
    get ended() {
      return ended;
    },
  };
}

/** Polls `check` until it returns true, failing after `ms` with the last observed value. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let delay = 5;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
}

/** Waits `ms` (only where the contract is "nothing happens for a while"). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The string a UTF-8 payload holds. */
export function text(payload: Uint8Array): string {
  return decoder.decode(payload);
}

/** Byte-exact equality. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
