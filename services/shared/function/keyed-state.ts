/**
 * Keyed state backed by a compacted changelog topic. Reads see committed values plus the current
 * message's own writes; `commit()` makes a message's writes durable (one changelog record per key, an
 * empty payload deleting the key, as Pulsar compaction does) and visible together.
 */
import type { Transport } from "../transport/transport.ts";
import type { KeyedState } from "./types.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TOMBSTONE = new Uint8Array(0);
const DELETED = Symbol("deleted");

export interface StateStore {
  readonly changelogTopic: string;
  /** Rebuilds the committed state from the changelog. */
  restore(): Promise<void>;
  get<T>(key: string): T | undefined;
  has(key: string): boolean;
  /** A write set for one message, reading through to the store. */
  begin(): StateTransaction;
  /** Writes changes to the changelog, then applies them. Resolves when the broker acked every record. */
  commit(changes: ReadonlyMap<string, unknown>): Promise<void>;
  readonly size: number;
  keys(): IterableIterator<string>;
}

export interface StateTransaction extends KeyedState {
  /** Pending writes: value or DELETED. */
  readonly changes: ReadonlyMap<string, unknown>;
}

export function createStateStore(transport: Transport, changelogTopic: string): StateStore {
  const data = new Map<string, unknown>();
  return {
    changelogTopic,
    get size() {
      return data.size;
    },
    keys: () => data.keys(),
    async restore() {
      await transport.ensureTopic(changelogTopic, { compacted: true });
      data.clear();
      for await (const msg of transport.read(changelogTopic)) {
        if (msg.key === undefined) continue;
        if (msg.payload.length === 0) data.delete(msg.key);
        else data.set(msg.key, JSON.parse(decoder.decode(msg.payload)));
      }
    },
    get: <T>(key: string) => data.get(key) as T | undefined,
    has: (key) => data.has(key),
    begin() {
      const changes = new Map<string, unknown>();
      const read = <T>(key: string): T | undefined => {
        if (changes.has(key)) {
          const v = changes.get(key);
          return v === DELETED ? undefined : (v as T);
        }
        return data.get(key) as T | undefined;
      };
      return {
        changes,
        get: read,
        put: (key, value) => void changes.set(key, value),
        incr(key, by = 1) {
          const next = (Number(read<number>(key)) || 0) + by;
          changes.set(key, next);
          return next;
        },
        delete: (key) => void changes.set(key, DELETED),
      };
    },
    async commit(changes) {
      if (changes.size === 0) return;
      const sends: Promise<unknown>[] = [];
      for (const [key, value] of changes) {
        const payload = value === DELETED ? TOMBSTONE : encoder.encode(JSON.stringify(value));
        sends.push(transport.publish(changelogTopic, payload, { key }));
      }
      await Promise.all(sends);
      for (const [key, value] of changes) {
        if (value === DELETED) data.delete(key);
        else data.set(key, value);
      }
    },
  };
}

/** Marks a key for deletion in a change set handed to `commit`. */
export const DELETE = DELETED;
