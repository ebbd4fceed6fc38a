/**
 * The window of processed event ids behind effectively-once processing. Each id is a keyed-state
 * entry (`__seen\0<id>`), so it becomes durable in the same changelog commit as the message's own
 * state changes, and is restored with them; the oldest ids beyond the window are deleted (tombstones)
 * in the commit that adds a new one.
 */
import { DELETE } from "./keyed-state.ts";

export const SEEN_PREFIX = "__seen\u0000";

export interface DedupWindow {
  readonly size: number;
  /** True when the id was processed (and committed). */
  has(eventId: string): boolean;
  /**
   * Adds the id's marker, and tombstones for the ids it pushes out of the window, to a change set
   * about to be committed. Returns the ids to forget once the commit succeeded.
   */
  stage(eventId: string, changes: Map<string, unknown>): string[] | undefined;
  /** The commit succeeded: remember the id, forget the evicted ones. */
  confirm(eventId: string, evicted: string[] | undefined): void;
  /** The commit failed: the id stays unknown, the evicted ones stay remembered. */
  abort(eventId: string, evicted: string[] | undefined): void;
  /** Rebuilds the window from state keys (in changelog order, oldest first). */
  restore(keys: Iterable<string>): void;
}

export function createDedupWindow(capacity: number): DedupWindow {
  if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError("dedupWindow must be an integer >= 1");
  /** Committed ids. */
  const seen = new Set<string>();
  /**
   * The same ids oldest first, from `head` (a queue: evicting from the front of a Set would skip its
   * deleted slots on every eviction). Entries before the first live id are already forgotten.
   */
  let order: string[] = [];
  let head = 0;
  /** Staged ids not yet confirmed (a batch stages several before one commit), and the ids they evict. */
  const pending = new Set<string>();
  const evicting = new Set<string>();
  /** The commit of a staged id ended (either way): it and its evictions are no longer pending. */
  const unstage = (eventId: string, evicted: string[] | undefined): void => {
    pending.delete(eventId);
    if (evicted !== undefined) for (const old of evicted) evicting.delete(old);
  };
  return {
    get size() {
      return seen.size;
    },
    has: (eventId) => seen.has(eventId),
    stage(eventId, changes) {
      changes.set(SEEN_PREFIX + eventId, 1);
      pending.add(eventId);
      const over = seen.size - evicting.size + pending.size - capacity;
      if (over <= 0) return undefined;
      const evicted: string[] = [];
      for (let i = head; i < order.length && evicted.length < over; i++) {
        const old = order[i];
        if (!seen.has(old) || evicting.has(old) || pending.has(old)) continue;
        evicted.push(old);
        evicting.add(old);
        changes.set(SEEN_PREFIX + old, DELETE);
      }
      return evicted;
    },
    abort: unstage,
    confirm(eventId, evicted) {
      unstage(eventId, evicted);
      if (!seen.has(eventId)) {
        seen.add(eventId);
        order.push(eventId);
      }
      if (evicted !== undefined) for (const old of evicted) seen.delete(old);
      while (head < order.length && !seen.has(order[head])) head++;
      if (head >= 1024 && head * 2 >= order.length) {
        order = order.slice(head);
        head = 0;
      }
    },
    restore(keys) {
      seen.clear();
      order = [];
      head = 0;
      pending.clear();
      evicting.clear();
      for (const key of keys) {
        if (!key.startsWith(SEEN_PREFIX)) continue;
        const id = key.slice(SEEN_PREFIX.length);
        seen.add(id);
        order.push(id);
      }
    },
  };
}
