/**
 * Per-field running statistics of accepted events — validate's state. Numbers keep count, mean, min and
 * max (Welford-free running mean: exact enough for imputation); discrete fields with `impute: "mode"` keep
 * value counts (at most `maxDistinct` values; later new values are not counted). Snapshots are plain JSON
 * so they can live in the function's keyed state.
 */
import type { FieldValue } from "../shared/messages.ts";
import type { DatasetSchema } from "../shared/dataset/schema.ts";

export interface NumericStats {
  count: number;
  mean: number;
  min: number;
  max: number;
}

export interface FieldStatsSnapshot {
  /** Accepted events observed. */
  events: number;
  numeric: Record<string, NumericStats>;
  /** Value counts for mode imputation; values are FieldValue keys such as `t:red`, `n:3`, `b:true`. */
  counts: Record<string, Record<string, number>>;
}

export interface FieldStats {
  /** Records the observed (not imputed) values of one accepted event. */
  observe(fields: Record<string, FieldValue>, imputed: ReadonlySet<string>): void;
  mean(field: string): number | undefined;
  mode(field: string): FieldValue | undefined;
  snapshot(): FieldStatsSnapshot;
  restore(snapshot: FieldStatsSnapshot): void;
}

/** The kind of a FieldValue, reading own properties only (decoded protobuf objects carry defaults on their prototype). */
export function kindOf(v: FieldValue | undefined): "number" | "text" | "flag" | "null" | "missing" {
  if (v === undefined || v === null) return "missing";
  if (Object.hasOwn(v, "number") && v.number !== undefined && v.number !== null) return "number";
  if (Object.hasOwn(v, "text") && v.text !== undefined && v.text !== null) return "text";
  if (Object.hasOwn(v, "flag") && v.flag !== undefined && v.flag !== null) return "flag";
  if (Object.hasOwn(v, "null") && v.null) return "null";
  return "missing";
}

function keyOf(v: FieldValue): string | undefined {
  switch (kindOf(v)) {
    case "number":
      return `n:${v.number}`;
    case "text":
      return `t:${v.text}`;
    case "flag":
      return `b:${v.flag}`;
    default:
      return undefined;
  }
}

function valueOfKey(key: string): FieldValue {
  const body = key.slice(2);
  if (key.startsWith("n:")) return { number: Number(body) };
  if (key.startsWith("b:")) return { flag: body === "true" };
  return { text: body };
}

export function createFieldStats(schema: DatasetSchema, maxDistinct = 1000): FieldStats {
  const numericFields = schema.fields.filter((f) => f.type === "number" || f.type === "integer").map((f) => f.name);
  const modeFields = schema.fields.filter((f) => f.impute === "mode").map((f) => f.name);
  let events = 0;
  let numeric = new Map<string, NumericStats>();
  let counts = new Map<string, Map<string, number>>();
  let modes = new Map<string, string>();

  return {
    observe(fields, imputed) {
      events++;
      for (const name of numericFields) {
        const v = fields[name];
        if (imputed.has(name) || kindOf(v) !== "number") continue;
        const x = v.number as number;
        const s = numeric.get(name);
        if (!s) numeric.set(name, { count: 1, mean: x, min: x, max: x });
        else {
          s.count++;
          s.mean += (x - s.mean) / s.count;
          if (x < s.min) s.min = x;
          if (x > s.max) s.max = x;
        }
      }
      for (const name of modeFields) {
        const v = fields[name];
        if (imputed.has(name) || v === undefined) continue;
        const key = keyOf(v);
        if (key === undefined) continue;
        let c = counts.get(name);
        if (!c) counts.set(name, (c = new Map()));
        if (!c.has(key) && c.size >= maxDistinct) continue;
        const n = (c.get(key) ?? 0) + 1;
        c.set(key, n);
        const m = modes.get(name);
        if (m === undefined || n > (c.get(m) ?? 0)) modes.set(name, key);
      }
    },
    mean: (field) => numeric.get(field)?.mean,
    mode(field) {
      const m = modes.get(field);
      return m === undefined ? undefined : valueOfKey(m);
    },
    snapshot() {
      return {
        events,
        numeric: Object.fromEntries([...numeric].map(([k, v]) => [k, { ...v }])),
        counts: Object.fromEntries([...counts].map(([k, c]) => [k, Object.fromEntries(c)])),
      };
    },
    restore(snapshot) {
      events = snapshot.events;
      numeric = new Map(Object.entries(snapshot.numeric).map(([k, v]) => [k, { ...v }]));
      counts = new Map(Object.entries(snapshot.counts).map(([k, c]) => [k, new Map(Object.entries(c))]));
      modes = new Map();
      for (const [name, c] of counts) {
        let best: string | undefined;
        for (const [key, n] of c) if (best === undefined || n > (c.get(best) ?? 0)) best = key;
        if (best !== undefined) modes.set(name, best);
      }
    },
  };
}
