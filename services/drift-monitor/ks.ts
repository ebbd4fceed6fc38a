/**
 * Two-sample Kolmogorov–Smirnov statistic: the largest distance between the empirical CDFs of two
 * samples (0 = same distribution, 1 = disjoint). Used as the per-feature data-drift statistic of a
 * current window against a reference window.
 */
export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** The KS critical value at significance `alpha` for sample sizes n and m (asymptotic formula). */
export function ksCritical(n: number, m: number, alpha = 0.001): number {
  return Math.sqrt(-Math.log(alpha / 2) * 0.5) * Math.sqrt((n + m) / (n * m));
}
