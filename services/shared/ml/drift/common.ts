/**
 * Helpers shared by the drift detectors: River's running statistics with River's exact floating-point
 * operation order (so alarm indices match River's), JSON-safe numbers and parameter checks.
 */
import { RtmlError } from "../../errors.ts";
import type { EstimatorJSON } from "../base.ts";

/** River `stats.Mean` state: `n` is the sum of weights. */
export interface MeanState {
  n: number;
  mean: number;
}

/** A fresh `stats.Mean`. */
export function newMean(): MeanState {
  return { n: 0, mean: 0 };
}

/** River 0.19 `stats.Mean.update`: `n += w; mean += (w / n) * (x - mean)`. */
export function updateMean(s: MeanState, x: number, w = 1): void {
  s.n += w;
  s.mean += (w / s.n) * (x - s.mean);
}

/** River `stats.Var(ddof)` state (Welford, `S` is the sum of squared deviations). */
export interface VarState {
  n: number;
  mean: number;
  s: number;
}

/** A fresh `stats.Var`. */
export function newVar(): VarState {
  return { n: 0, mean: 0, s: 0 };
}

/** River 0.19 `stats.Var.update`. */
export function updateVar(v: VarState, x: number, w = 1): void {
  const old = v.mean;
  v.n += w;
  v.mean += (w / v.n) * (x - v.mean);
  v.s += w * (x - old) * (x - v.mean);
}

/** River `stats.Var.get`: `S / (n - ddof)` once `n > ddof`, else 0. */
export function getVar(v: VarState, ddof = 1): number {
  return v.n > ddof ? v.s / (v.n - ddof) : 0;
}

/** JSON has no Infinity/NaN: encode them as strings. */
export function encodeNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/** Inverse of {@link encodeNumber}. */
export function decodeNumber(x: unknown): number {
  if (typeof x === "number") return x;
  if (x === "Infinity") return Infinity;
  if (x === "-Infinity") return -Infinity;
  if (x === "NaN") return NaN;
  throw new RtmlError("INVALID_ARGUMENT", `not a number in snapshot: ${String(x)}`);
}

/** Throws INVALID_ARGUMENT unless `ok`. */
export function check(ok: boolean, message: string): void {
  if (!ok) throw new RtmlError("INVALID_ARGUMENT", message);
}

/** Throws INVALID_ARGUMENT unless the snapshot is of `kind`; returns its params and state. */
export function readSnapshot<P, S>(json: EstimatorJSON, kind: string): { params: Partial<P>; state: S | undefined } {
  if (json === null || typeof json !== "object" || json.kind !== kind) {
    throw new RtmlError("INVALID_ARGUMENT", `expected a ${kind} snapshot, got ${String((json as { kind?: unknown })?.kind)}`);
  }
  return { params: (json.params ?? {}) as Partial<P>, state: (json.state ?? undefined) as S | undefined };
}

/** A deep copy of plain JSON data. */
export function copyJSON<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
