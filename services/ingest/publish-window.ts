/**
 * Bounded publishing: at most `limit` publishes outstanding (sent, not yet acked by the broker); the
 * producer waits for a slot instead of buffering. The first failure is kept and rethrown to the producer.
 */
import type { PublishOptions } from "../shared/transport/transport.ts";

/** The transport-free publish the replay and the ingestor need (Transport.publish fits). */
export type PublishFn = (topic: string, payload: Uint8Array, options: PublishOptions) => Promise<unknown>;

export interface PublishWindow {
  /** Waits for a free slot, then starts the publish. Rejects with the first earlier failure. */
  send(topic: string, payload: Uint8Array, options: PublishOptions): Promise<void>;
  /** Waits until every publish has settled; rejects with the first failure. */
  drain(): Promise<void>;
  readonly outstanding: number;
  /** Most publishes ever outstanding at once. */
  readonly peak: number;
}

export function createPublishWindow(publish: PublishFn, limit = 1024): PublishWindow {
  let outstanding = 0;
  let peak = 0;
  let failed = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const settle = () => {
    outstanding--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const wait = () => new Promise<void>((resolve) => (wake = resolve));
  const check = () => {
    if (failed) throw failure;
  };
  return {
    async send(topic, payload, options) {
      check();
      while (outstanding >= limit) {
        await wait();
        check();
      }
      outstanding++;
      if (outstanding > peak) peak = outstanding;
      let p: Promise<unknown>;
      try {
        p = publish(topic, payload, options);
      } catch (err) {
        p = Promise.reject(err);
      }
      p.then(settle, (err: unknown) => {
        if (!failed) {
          failed = true;
          failure = err;
        }
        settle();
      });
    },
    async drain() {
      while (outstanding > 0) await wait();
      check();
    },
    get outstanding() {
      return outstanding;
    },
    get peak() {
      return peak;
    },
  };
}
