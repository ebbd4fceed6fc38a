/**
 * Online standardisation of feature values (Welford's running mean and variance per feature name):
 * learn the value, then scale it, as River's StandardScaler does inside a learning pipeline. Kept in
 * memory and checkpointed into keyed state, since every entity's events update it.
 */
export interface RunningStats {
  n: number;
  mean: number;
  m2: number;
}

export interface OnlineScaler {
  learnAndScale(values: Record<string, number>): Record<string, number>;
  toJSON(): Record<string, RunningStats>;
}

export function createOnlineScaler(initial: Record<string, RunningStats> = {}): OnlineScaler {
  const stats = new Map<string, RunningStats>(Object.entries(initial).map(([k, v]) => [k, { ...v }]));
  return {
    learnAndScale(values) {
      const out: Record<string, number> = {};
      for (const name in values) {
        const x = values[name];
        let s = stats.get(name);
        if (!s) stats.set(name, (s = { n: 0, mean: 0, m2: 0 }));
        s.n++;
        const d = x - s.mean;
        s.mean += d / s.n;
        s.m2 += d * (x - s.mean);
        const variance = s.m2 / s.n;
        out[name] = variance > 0 ? (x - s.mean) / Math.sqrt(variance) : 0;
      }
      return out;
    },
    toJSON: () => Object.fromEntries([...stats].map(([k, v]) => [k, { ...v }])),
  };
}
