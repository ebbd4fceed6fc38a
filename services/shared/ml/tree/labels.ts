/**
 * Ordering of class labels as Python's `sorted` orders them (False < True, numbers numerically, strings
 * by code point); River's trees list classes in this order, which decides argmax ties.
 */
import type { ClassLabel } from "../base.ts";

function rank(v: ClassLabel): number {
  return typeof v === "string" ? 1 : 0;
}

/** Comparator for `Array.prototype.sort`. */
export function compareLabels(a: ClassLabel, b: ClassLabel): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}
