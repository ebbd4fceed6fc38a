/**
 * Per-entity sliding windows by event time. The entity's recent events (time and aggregated values)
 * are kept up to the longest window; each aggregate is computed over (t − window, t], the current event
 * included — pandas' `rolling('<w>')` semantics, which the fraud-handbook window columns use.
 * The state is plain JSON so it can live in the function's keyed state (changelog-backed).
 */
import type { AggregateOp } from "../shared/dataset/schema.ts";

export interface EntityWindowState {
  /** Event times, ascending. */
  t: number[];
  /** One column per aggregated field, aligned with `t` (NaN where the event lacked the field). */
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

/** Adds an event (in event-time order, late events inserted in place) and drops what no window needs. */
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

/** The aggregates of column `col` over (time − windowMs, time]. Empty windows give 0 (count 0). */
export function aggregate(state: EntityWindowState, col: number, time: number, windowMs: number): Record<AggregateOp, number> {
  const { t } = state;
  const v = state.v[col];
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const from = time - windowMs;
  for (let i = t.length - 1; i >= 0; i--) {
    const ti = t[i];
    if (ti > time) continue;
    if (ti <= from) break;
    const x = v[i];
    if (Number.isNaN(x)) continue;
    count++;
    sum += x;
    sumSq += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = count > 0 ? sum / count : 0;
  const variance = count > 1 ? Math.max(0, (sumSq - count * mean * mean) / (count - 1)) : 0;
  return {
    count,
    sum,
    mean,
    std: Math.sqrt(variance),
    min: count > 0 ? min : 0,
    max: count > 0 ? max : 0,
  };
}
