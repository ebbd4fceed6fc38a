/**
 * Keyed state backed by a compacted changelog topic. Reads see committed values plus the current
 * message's own writes; `commit()` makes a message's writes durable (one changelog record per key, an
 * empty payload deleting the key, as Pulsar compaction does) and visible together.
 */
import { RtmlError } from "../errors.ts";
import type { Transport } from "../transport/transport.ts";
import type { KeyedState } from "./types.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TOMBSTONE = new Uint8Array(0);
const DELETED = Symbol("deleted");
const RESOLVED: Promise<void> = Promise.resolve();
const NO_CHANGES: ReadonlyMap<string, unknown> = new Map();
/** Property of a changelog record: the commit's `commitLast` records, as JSON [key, value | null] pairs. */
const THEN = "rtml-then";

export interface StateStore {
  readonly changelogTopic: string;
  /** Rebuilds the committed state from the changelog. */
  restore(): Promise<void>;
  get<T>(key: string): T | undefined;
  has(key: string): boolean;
  /** A write set for one message, reading through to the store. */
  begin(): StateTransaction;
  /**
   * Writes changes (values, or DELETE) to the changelog, then applies them. Resolves when the broker
   * acked every record; on rejection nothing is applied.
   */
  commit(changes: ReadonlyMap<string, unknown>): Promise<void>;
  readonly size: number;
  /** Keys in the order of their first write (after restore: the changelog's order of latest writes). */
  keys(): IterableIterator<string>;
}

export interface StateTransaction extends KeyedState {
  /** Pending writes: value or DELETE, in the order first written. */
  readonly changes: ReadonlyMap<string, unknown>;
  /** Ends the transaction: later writes throw (a late write from a timed-out attempt is not kept). */
  close(): void;
  /** The write set itself (created if empty), for the runner to add its own records before commit. */
  changeSet(): Map<string, unknown>;
}

/** One message's write set; reads fall through to the committed data. */
class Transaction implements StateTransaction {
  readonly #data: Map<string, unknown>;
  #changes: Map<string, unknown> | undefined;
  #closed = false;

  constructor(data: Map<string, unknown>) {
    this.#data = data;
  }

  get changes(): ReadonlyMap<string, unknown> {
    return this.#changes ?? NO_CHANGES;
  }

  get<T>(key: string): T | undefined {
    const changes = this.#changes;
    if (changes !== undefined && changes.has(key)) {
      const v = changes.get(key);
      return v === DELETED ? undefined : (v as T);
    }
    return this.#data.get(key) as T | undefined;
  }

  /** put(key, undefined) deletes the key (JSON has no undefined). */
  put(key: string, value: unknown): void {
    this.#write(key, value === undefined ? DELETED : value);
  }

  incr(key: string, by = 1): number {
    const next = (Number(this.get<number>(key)) || 0) + by;
    this.#write(key, next);
    return next;
  }

  delete(key: string): void {
    this.#write(key, DELETED);
  }

  close(): void {
    this.#closed = true;
  }

  changeSet(): Map<string, unknown> {
    return (this.#changes ??= new Map());
  }

  #write(key: string, value: unknown): void {
    if (this.#closed) throw new RtmlError("FAILED_PRECONDITION", `state write to ${key} after process() finished`);
    (this.#changes ??= new Map()).set(key, value);
  }
}

/**
 * Changelog payloads are encoded into views of shared slabs (never reused, so a transport may keep a
 * view as long as it likes): one small typed array per record instead of one ArrayBuffer.
 */
const SLAB_SIZE = 64 * 1024;
let slab = new Uint8Array(SLAB_SIZE);
let slabOff = 0;
/** Pre-encoded small non-negative integers (counters, the event-id marker). */
const SMALL_INTS: Uint8Array[] = Array.from({ length: 256 }, (_, i) => encoder.encode(String(i)));

function encodeText(json: string): Uint8Array {
  const max = json.length * 3;
  if (max > SLAB_SIZE / 8) return encoder.encode(json);
  if (slabOff + max > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabOff = 0;
  }
  const { written } = encoder.encodeInto(json, slabOff === 0 ? slab : slab.subarray(slabOff));
  const view = new Uint8Array(slab.buffer, slabOff, written);
  slabOff = (slabOff + written + 7) & ~7;
  return view;
}

function encode(value: unknown): Uint8Array {
  if (value === DELETED) return TOMBSTONE;
  if (typeof value === "number" && value >= 0 && value < 256 && Number.isInteger(value)) return SMALL_INTS[value];
  const json = JSON.stringify(value);
  if (json === undefined) throw new RtmlError("INVALID_ARGUMENT", "state values must be JSON-serialisable");
  return encodeText(json);
}

export interface StateStoreOptions {
  /**
   * Keys whose records are written only once every other record of the same commit is acked (the
   * runner's event-id markers; they are retained as keys of their own), and which also ride on each of
   * those records (property `rtml-then`), applied with it on restore. A crash in the middle of a commit
   * thus never leaves a marker without its state (a lost update) nor state without its marker (an
   * event counted twice): the state records carry the markers; the marker records come only after.
   */
  commitLast?: (key: string) => boolean;
}

export function createStateStore(transport: Transport, changelogTopic: string, options: StateStoreOptions = {}): StateStore {
  const commitLast = options.commitLast;
  const data = new Map<string, unknown>();
  const apply = (changes: ReadonlyMap<string, unknown>) => {
    for (const [key, value] of changes) {
      if (value === DELETED) data.delete(key);
      else data.set(key, value);
    }
  };
  /**
   * A commit failed after some records may have reached the changelog: best effort, write the
   * committed values back so that a restore does not resurrect a failed attempt's writes. Rejects
   * with the original error.
   */
  const compensate = async (changes: ReadonlyMap<string, unknown>, sent: Promise<unknown>[] | undefined, err: unknown): Promise<never> => {
    if (sent !== undefined) await Promise.allSettled(sent);
    const undo: Promise<unknown>[] = [];
    for (const key of changes.keys()) {
      try {
        undo.push(transport.publish(changelogTopic, encode(data.has(key) ? data.get(key) : DELETED), { key }));
      } catch {
        // the committed value was serialisable when it was written; ignore
      }
    }
    await Promise.allSettled(undo);
    throw err;
  };
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
        const then = msg.properties[THEN];
        if (then !== undefined) {
          for (const [key, value] of JSON.parse(then) as [string, unknown][]) {
            if (value === null) data.delete(key);
            else data.set(key, value);
          }
        }
      }
    },
    get: <T>(key: string) => data.get(key) as T | undefined,
    has: (key) => data.has(key),
    begin: () => new Transaction(data),
    async commit(changes) {
      if (changes.size === 0) return;
      if (changes.size === 1) {
        const [key, value] = changes.entries().next().value as [string, unknown];
        try {
          await transport.publish(changelogTopic, encode(value), { key });
        } catch (err) {
          await compensate(changes, undefined, err);
        }
      } else {
        const sends: Promise<unknown>[] = [];
        try {
          const first: [string, unknown][] = [];
          const deferred: [string, unknown][] = [];
          for (const entry of changes) (commitLast?.(entry[0]) === true ? deferred : first).push(entry);
          // The deferred records also travel on each first record (THEN), so the commit is atomic on
          // restore: whichever of its records is read first brings the deferred ones with it.
          const options = deferred.length === 0 ? undefined : { properties: { [THEN]: JSON.stringify(deferred.map(([k, v]) => [k, v === DELETED ? null : v])) } };
          for (const [key, value] of first) sends.push(transport.publish(changelogTopic, encode(value), { key, ...options }));
          if (deferred.length > 0) {
            await Promise.all(sends);
            for (const [key, value] of deferred) sends.push(transport.publish(changelogTopic, encode(value), { key }));
          }
          await Promise.all(sends);
        } catch (err) {
          await compensate(changes, sends, err);
        }
      }
      apply(changes);
    },
  };
}

/** Marks a key for deletion in a change set handed to `commit`. */
export const DELETE: unknown = DELETED;
