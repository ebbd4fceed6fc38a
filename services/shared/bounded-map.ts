/**
 * Insertion-ordered maps and sets with a size bound: adding beyond the bound evicts the oldest entry.
 * Join buffers and dedup windows use them. Evicting through `map.keys().next()` is not O(1) in V8 —
 * iteration skips the deleted slots at the front of the hash table, so a full map that evicts on every
 * insert degrades to O(capacity) per insert; here a queue of (key, generation) pairs finds the oldest
 * live entry in amortised O(1).
 *
 * @example
 * const m = createBoundedMap<number>(2);
 * m.set("a", 1); m.set("b", 2);
 * console.assert(m.set("c", 3)?.[0] === "a" && !m.has("a") && m.size === 2);
 */
export interface BoundedMap<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  /** Sets a value (an existing key keeps its age) and returns the entry evicted to stay within the bound, if any. */
  set(key: string, value: V): [string, V] | undefined;
  delete(key: string): boolean;
  readonly size: number;
  readonly capacity: number;
}

export interface BoundedSet {
  has(key: string): boolean;
  /** Adds a key (an existing one keeps its age) and returns the key evicted to stay within the bound, if any. */
  add(key: string): string | undefined;
  delete(key: string): boolean;
  readonly size: number;
}

export function createBoundedMap<V>(capacity: number): BoundedMap<V> {
  const cap = Math.max(1, Math.floor(capacity));
  const entries = new Map<string, { value: V; gen: number }>();
  let keys: string[] = [];
  let gens: number[] = [];
  let head = 0;
  let gen = 0;

  function compact() {
    const k: string[] = [];
    const g: number[] = [];
    for (let i = head; i < keys.length; i++) {
      if (entries.get(keys[i])?.gen === gens[i]) {
        k.push(keys[i]);
        g.push(gens[i]);
      }
    }
    keys = k;
    gens = g;
    head = 0;
  }

  return {
    get: (key) => entries.get(key)?.value,
    has: (key) => entries.has(key),
    set(key, value) {
      const e = entries.get(key);
      if (e) {
        e.value = value;
        return undefined;
      }
      entries.set(key, { value, gen: ++gen });
      keys.push(key);
      gens.push(gen);
      let evicted: [string, V] | undefined;
      if (entries.size > cap) {
        while (head < keys.length) {
          const k = keys[head];
          const live = entries.get(k);
          const ok = live?.gen === gens[head];
          head++;
          if (ok) {
            entries.delete(k);
            evicted = [k, live!.value];
            break;
          }
        }
      }
      // Stale queue slots (evicted, deleted) are dropped once they outnumber the live ones.
      if (keys.length - head > 2 * entries.size + 64 || (head > 1024 && head * 2 > keys.length)) compact();
      return evicted;
    },
    delete: (key) => entries.delete(key),
    get size() {
      return entries.size;
    },
    capacity: cap,
  };
}

export function createBoundedSet(capacity: number): BoundedSet {
  const map = createBoundedMap<true>(capacity);
  return {
    has: (key) => map.has(key),
    add: (key) => map.set(key, true)?.[0],
    delete: (key) => map.delete(key),
    get size() {
      return map.size;
    },
  };
}
