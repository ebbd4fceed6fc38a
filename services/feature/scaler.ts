/**
 * Online standardisation of feature values (Welford's running mean and population variance per
 * feature name, as River's StandardScaler): learn the value, then scale it, as River does inside a
 * learning pipeline. Kept in memory and checkpointed into keyed state, since every entity's events
 * update it. A constant feature scales to 0; a value that is not finite is neither learned nor
 * scaled (it gives 0), so one bad value cannot poison the running statistics.
 */
export interface RunningStats {
  n: number;
  mean: number;
  m2: number;
}

export interface OnlineScaler {
  learnAndScale(values: Record<string, number>): Record<string, number>;
  /** Scales with the current statistics without learning (e.g. for lookups). */
  scale(values: Record<string, number>): Record<string, number>;
  /** The running statistics of one feature (a copy), if seen. */
  stats(name: string): RunningStats | undefined;
  toJSON(): Record<string, RunningStats>;
}

function scaled(x: number, s: RunningStats | undefined): number {
  if (!s || !Number.isFinite(x)) return 0;
  const variance = s.n > 0 ? s.m2 / s.n : 0;
  return variance > 0 ? (x - s.mean) / Math.sqrt(variance) : 0;
}

export function createOnlineScaler(initial: Record<string, RunningStats> = {}): OnlineScaler {
  const stats = new Map<string, RunningStats>(Object.entries(initial).map(([k, v]) => [k, { ...v }]));
  return {
    learnAndScale(values) {
      const out: Record<string, number> = {};
      for (const name in values) {
        const x = values[name];
        if (!Number.isFinite(x)) {
          out[name] = 0;
          continue;
        }
        let s = stats.get(name);
        if (!s) stats.set(name, (s = { n: 0, mean: 0, m2: 0 }));
        s.n++;
        const d = x - s.mean;
        s.mean += d / s.n;
        s.m2 += d * (x - s.mean);
        out[name] = scaled(x, s);
      }
      return out;
    },
    scale(values) {
      const out: Record<string, number> = {};
      for (const name in values) out[name] = scaled(values[name], stats.get(name));
      return out;
    },
    stats(name) {
      const s = stats.get(name);
      return s ? { ...s } : undefined;
    },
    toJSON: () => Object.fromEntries([...stats].map(([k, v]) => [k, { ...v }])),
  };
}
