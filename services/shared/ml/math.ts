/**
 * Small numeric helpers with River's exact semantics (`river/utils/math.py`), shared by the estimators.
 */
import { RtmlError } from "../errors.ts";
import type { ClassLabel, Proba } from "./base.ts";

/** River `utils.math.sigmoid`: clamped to 0 / 1 outside [-30, 30]. */
export function sigmoid(x: number): number {
  if (x < -30) return 0;
  if (x > 30) return 1;
  return 1 / (1 + Math.exp(-x));
}

/** River `utils.math.clamp`: `max(min(x, maximum), minimum)`. */
export function clamp(x: number, minimum: number, maximum: number): number {
  return Math.max(Math.min(x, maximum), minimum);
}

/** Python's `max(d, key=d.get)`: the first key with the largest value; undefined for an empty map. */
export function argmaxProba(proba: Proba): ClassLabel | undefined {
  let best: ClassLabel | undefined;
  let bestP = -Infinity;
  for (const [label, p] of proba) {
    if (best === undefined || p > bestP) {
      best = label;
      bestP = p;
    }
  }
  return best;
}

/** River's binary convention: `y or -1` → ±1. Accepts booleans and 0/1. */
export function binaryLabel(y: ClassLabel, who: string): boolean {
  if (y === true || y === 1) return true;
  if (y === false || y === 0) return false;
  throw new RtmlError("INVALID_ARGUMENT", `${who} is a binary classifier: label must be a boolean (or 0/1), got ${JSON.stringify(y)}`);
}

/** Throws INVALID_ARGUMENT unless `cond`. */
export function check(cond: boolean, who: string, message: string): void {
  if (!cond) throw new RtmlError("INVALID_ARGUMENT", `${who}: ${message}`);
}

/** A finite number check for constructor parameters. */
export function isFiniteNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** Map → entry array for JSON (keys may be any string, including `__proto__`). */
export function mapEntries<K, V>(m: ReadonlyMap<K, V>): [K, V][] {
  return Array.from(m);
}
