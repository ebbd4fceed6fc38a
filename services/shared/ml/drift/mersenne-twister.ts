/**
 * CPython's `random.Random`: MT19937 seeded with `init_by_array`, plus the few methods River uses
 * (`random`, `getrandbits`, `randbelow`, `sample` of a range). Same seed, same stream as Python, so seeded
 * River estimators (KSWIN, ARF) can be followed draw for draw.
 */
import { check } from "./common.ts";

const N = 624;
const M = 397;

/** Serialisable generator state. */
export interface PythonRandomState {
  mt: number[];
  index: number;
}

/**
 * `random.Random(seed)` for a non-negative integer seed (negative seeds use their absolute value, as Python).
 *
 * @example
 * const rng = new PythonRandom(42);
 * rng.random(); // 0.6394267984578837, as Python's random.Random(42).random()
 */
export class PythonRandom {
  #mt = new Uint32Array(N);
  #index = N;

  constructor(seed: number | PythonRandomState) {
    if (typeof seed === "object") {
      check(Array.isArray(seed.mt) && seed.mt.length === N, "PythonRandom: bad state");
      this.#mt.set(seed.mt);
      this.#index = seed.index;
      return;
    }
    check(Number.isSafeInteger(seed), "PythonRandom: seed must be a safe integer");
    let s = Math.abs(seed);
    const key: number[] = [];
    do {
      key.push(s % 0x100000000);
      s = Math.floor(s / 0x100000000);
    } while (s > 0);
    this.#initByArray(key);
  }

  #initGenrand(s: number): void {
    const mt = this.#mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.#index = N;
  }

  #initByArray(key: number[]): void {
    const mt = this.#mt;
    this.#initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** One 32-bit output (CPython `genrand_uint32`). */
  nextUint32(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.#index = 0;
    }
    let y = mt[this.#index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random.random()`: a float in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /** `random.getrandbits(k)` for 0 < k ≤ 32. */
  getrandbits(k: number): number {
    return this.nextUint32() >>> (32 - k);
  }

  /** `random._randbelow(n)` for 0 < n ≤ 2^32 - 1. */
  randbelow(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `random.sample(range(n), k)`. */
  sampleRange(n: number, k: number): number[] {
    check(k >= 0 && k <= n, "PythonRandom.sampleRange: k must be in [0, n]");
    const result = new Array<number>(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j]!;
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = j;
      }
    }
    return result;
  }

  /** A copy of the generator state (JSON-safe). */
  getState(): PythonRandomState {
    return { mt: Array.from(this.#mt), index: this.#index };
  }
}

/** River `utils.random.poisson` (Knuth's method), drawing from `rng` exactly as River does. */
export function poisson(rate: number, rng: PythonRandom): number {
  const L = Math.exp(-rate);
  let k = 0;
  let p = 1;
  while (p > L) {
    k += 1;
    p *= rng.random();
  }
  return k - 1;
}
