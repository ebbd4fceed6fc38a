/**
 * Per-entity sliding windows by event time. The entity's recent events (time and aggregated values)
 * are kept up to the longest window; each aggregate is computed over (t − window, t], the current event
 * included — pandas' `rolling('<w>')` semantics, which the fraud-handbook window columns use.
 * Events with the same time as the current one count when they arrived before it (pandas' row order).
 * The state is plain JSON so it can live in the function's keyed state (changelog-backed); a missing
 * value is stored as NaN, which JSON turns into null — both mean "missing".
 */
import type { AggregateOp } from "../shared/dataset/schema.ts";

export interface EntityWindowState {
  /** Event times, ascending. */
  t: number[];
  /** One column per aggregated field, aligned with `t` (NaN — or null after JSON — where the event lacked the field). */
  v: number[][];
  /** Event time of the entity's latest event. */
  last: number;
}

export interface WindowSpec {
  field: string;
  windowMs: number;
  label: string;
  ops: AggregateOp[];
}

/**
 * Adds an event (in event-time order; a late event is inserted in place, after events of the same
 * time) and drops the events no window can need any more: those at or before `newest − horizonMs`.
 * Returns a new state; `prev` is not modified.
 */
export function addEvent(
  prev: EntityWindowState | undefined,
  time: number,
  values: number[],
  horizonMs: number,
): EntityWindowState {
  const t = prev ? prev.t : [];
  const cols = prev ? prev.v : values.map(() => [] as number[]);
  const newest = prev ? Math.max(prev.last, time) : time;
  let first = 0;
  while (first < t.length && t[first] <= newest - horizonMs) first++;
  const nt = t.slice(first);
  const nv = cols.map((c) => c.slice(first));
  let at = nt.length;
  while (at > 0 && nt[at - 1] > time) at--;
  nt.splice(at, 0, time);
  for (let i = 0; i < nv.length; i++) nv[i].splice(at, 0, values[i] ?? Number.NaN);
  return { t: nt, v: nv, last: newest };
}

/** Time of the latest event at or before `time` kept in the state (undefined if none). */
export function previousTime(state: EntityWindowState | undefined, time: number): number | undefined {
  if (!state) return undefined;
  for (let i = state.t.length - 1; i >= 0; i--) if (state.t[i] <= time) return state.t[i];
  return undefined;
}

/**
 * The aggregates of column `col` over (time − windowMs, time]. `std` is the sample standard deviation
 * (ddof = 1, pandas' default; 0 below two values). An empty window gives 0 for every op (count 0), so
 * features stay finite.
 */
export function aggregate(state: EntityWindowState, col: number, time: number, windowMs: number): Record<AggregateOp, number> {
  const { t } = state;
  const v = state.v[col] ?? [];
  let count = 0;
  let sum = 0;
  let mean = 0;
  let m2 = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const from = time - windowMs;
  for (let i = t.length - 1; i >= 0; i--) {
    const ti = t[i];
    if (ti > time) continue;
    if (ti <= from) break;
    const x = v[i] as number | null;
    if (x === null || Number.isNaN(x)) continue;
    count++;
    sum += x;
    // Welford: stable where sum of squares minus n·mean² would cancel.
    const d = x - mean;
    mean += d / count;
    m2 += d * (x - mean);
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return {
    count,
    sum,
    mean: count > 0 ? sum / count : 0,
    std: count > 1 ? Math.sqrt(Math.max(0, m2 / (count - 1))) : 0,
    min: count > 0 ? min : 0,
    max: count > 0 ? max : 0,
  };
}
