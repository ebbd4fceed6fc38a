/**
 * Leases in a JetStream KV bucket: who is the active consumer of an exclusive, failover or key_shared
 * subscription, across every process. `create` takes a free lease; the holder renews it (a revision-
 * checked update) every ttl/3; a closed holder deletes it; a crashed holder's lease expires with the
 * bucket's max age (ttl). Standbys poll, and are woken at once by a release in the same transport.
 */
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";

export interface Lease {
  /** Stops renewing and deletes the lease (if still held). Idempotent. */
  release(): Promise<void>;
  /** True once the lease was released or lost (another holder, or renewal failed). */
  readonly lost: boolean;
}

export interface Leases {
  /** Takes the lease now, or returns undefined when someone holds it. */
  tryAcquire(key: string, holder: string, onLost: () => void): Promise<Lease | undefined>;
  /** Waits until the lease is taken, polling; resolves undefined when `stopped()` turns true. */
  acquire(key: string, holder: string, stopped: () => boolean, onLost: () => void): Promise<Lease | undefined>;
  close(): void;
}

export interface LeaseOptions {
  readonly bucket: string;
  readonly ttlMs: number;
  readonly pollMs: number;
  readonly storage: "file" | "memory";
}

export async function createLeases(nc: NatsConnection, options: LeaseOptions): Promise<Leases> {
  const kvm = new Kvm(nc);
  let kv: KV;
  try {
    kv = await kvm.create(options.bucket, { ttl: options.ttlMs, history: 1, storage: options.storage });
  } catch {
    kv = await kvm.open(options.bucket);
  }
  const wakers = new Map<string, Set<() => void>>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  function wake(key: string): void {
    for (const w of wakers.get(key) ?? []) w();
  }

  function hold(key: string, revision: number, holder: string, onLost: () => void): Lease {
    let rev = revision;
    let lost = false;
    const timer = setInterval(() => {
      kv.update(key, holder, rev).then(
        (next) => {
          rev = next;
        },
        () => {
          if (lost || closed) return;
          lost = true;
          clearInterval(timer);
          onLost();
        },
      );
    }, Math.max(50, Math.floor(options.ttlMs / 3)));
    timer.unref();
    return {
      get lost() {
        return lost;
      },
      async release() {
        if (lost) return;
        lost = true;
        clearInterval(timer);
        try {
          await kv.delete(key, { previousSeq: rev });
        } catch {
          // Already expired or taken over: nothing to release.
        }
        wake(key);
      },
    };
  }

  async function tryAcquire(key: string, holder: string, onLost: () => void): Promise<Lease | undefined> {
    try {
      return hold(key, await kv.create(key, holder), holder, onLost);
    } catch {
      return undefined;
    }
  }

  return {
    tryAcquire,
    async acquire(key, holder, stopped, onLost) {
      for (;;) {
        if (stopped() || closed) return undefined;
        const lease = await tryAcquire(key, holder, onLost);
        if (lease !== undefined) return lease;
        await new Promise<void>((resolve) => {
          const set = wakers.get(key) ?? new Set<() => void>();
          wakers.set(key, set);
          const done = (): void => {
            clearTimeout(timer);
            timers.delete(timer);
            set.delete(done);
            if (set.size === 0) wakers.delete(key);
            resolve();
          };
          const timer = setTimeout(done, options.pollMs);
          timers.add(timer);
          set.add(done);
        });
      }
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const key of [...wakers.keys()]) wake(key);
    },
  };
}
