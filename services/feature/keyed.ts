/**
 * Keyed, delayed and label-based windowed aggregates (FeatureSpec aggregates with `by`, `delay` or
 * `field: "label"`). Events are kept per value of the `by` field (default: the entity) in keyed state
 * `agg:<by>:<value>`, as {times, event ids, one column per aggregated field}; an aggregate is computed
 * over (t − delay − w, t − delay] with the plain windows' rules (windows.ts `aggregate`). The label column
 * starts missing and is filled when the event's label arrives (`onLabel`): the event id → state keys of
 * each unlabelled event is kept under `lbl:<eventId>` until then.
 *
 * Scaling: the state is keyed by the `by` value, not by the message key. In the embedded mesh (one
 * feature replica) every event and label reaches this one instance, so the aggregates are exact. Under
 * key_shared with several replicas, each replica would see only its entities' share of a terminal's
 * events: a keyed aggregate then needs its own stage, keyed by `by` (re-publish events keyed by
 * TERMINAL_ID, aggregate there, join the result back by event id), or a shared store.
 */
import { aggregateFeatureName } from "../shared/dataset/feature-names.ts";
import { LABEL_FIELD, parseDuration, type AggregateOp, type AggregateSpec, type DatasetSchema } from "../shared/dataset/schema.ts";
import type { Event, FieldValue, Label } from "../shared/messages.ts";
import { aggregate, type EntityWindowState } from "./windows.ts";

/** Per-key window state: the plain entity state plus the event ids (to fill labels in). */
export interface KeyedWindowState extends EntityWindowState {
  id: string[];
}

/** The state access the keyed aggregates need (KeyedState's subset). */
export interface KeyedStateAccess {
  get<T>(key: string): T | undefined;
  put?(key: string, value: unknown): void;
  delete?(key: string): void;
}

interface Group {
  by: string | undefined;
  fields: string[];
  horizonMs: number;
  specs: { spec: AggregateSpec; col: number; delayMs: number; windows: { ms: number; names: string[]; ops: AggregateOp[] }[] }[];
}

/**
 * The `by` fields of the schema's aggregates other than the entity (e.g. the fraud handbook's TERMINAL_ID):
 * their windows span entities, so they are exact only while one feature instance sees every event (see
 * Scaling above).
 */
export function crossEntityKeys(schema: DatasetSchema): string[] {
  const by = (schema.features?.aggregates ?? []).map((a) => a.by);
  return [...new Set(by.filter((b): b is string => b !== undefined && b !== schema.entityField))];
}

/** True when an aggregate needs the keyed path (everything else stays in the entity's plain windows). */
export function isKeyedAggregate(a: AggregateSpec): boolean {
  return a.by !== undefined || a.delay !== undefined || a.field === LABEL_FIELD;
}

function numberOf(v: FieldValue | undefined): number {
  if (!v) return Number.NaN;
  if (typeof v.number === "number") return v.number;
  if (typeof v.flag === "boolean") return v.flag ? 1 : 0;
  return Number.NaN;
}

function keyOf(v: FieldValue | undefined): string | undefined {
  if (!v) return undefined;
  if (typeof v.text === "string") return v.text;
  if (typeof v.number === "number") return String(v.number);
  if (typeof v.flag === "boolean") return String(v.flag);
  return undefined;
}

/** Adds an event (time order; a late one goes after events of the same time) and drops what no window needs. */
function addKeyed(prev: KeyedWindowState | undefined, time: number, id: string, values: number[], horizonMs: number): KeyedWindowState {
  const t = prev ? prev.t : [];
  const newest = prev ? Math.max(prev.last, time) : time;
  let first = 0;
  while (first < t.length && t[first]! <= newest - horizonMs) first++;
  const nt = t.slice(first);
  const nid = (prev?.id ?? []).slice(first);
  const nv = values.map((_, i) => (prev?.v[i] ?? []).slice(first));
  let at = nt.length;
  while (at > 0 && nt[at - 1]! > time) at--;
  nt.splice(at, 0, time);
  nid.splice(at, 0, id);
  for (let i = 0; i < nv.length; i++) nv[i]!.splice(at, 0, values[i]!);
  return { t: nt, id: nid, v: nv, last: newest };
}

/** The keyed aggregates of a schema. */
export interface KeyedAggregates {
  /** Whether any aggregate reads labels (then the service must be fed labels). */
  readonly needsLabels: boolean;
  /**
   * Adds the event to its keyed windows and writes the aggregates into `raw`. With a read-only `state`
   * (no `put`), computes as if the event had been added, without writing.
   */
  onEvent(event: Event, state: KeyedStateAccess, raw: Record<string, number>, start?: number): void;
  /** Fills a revealed label into the windows holding its event. Returns false when the event is unknown. */
  onLabel(label: Label, state: KeyedStateAccess): boolean;
}

export function createKeyedAggregates(schema: DatasetSchema): KeyedAggregates {
  const groups = new Map<string, Group>();
  for (const spec of schema.features?.aggregates ?? []) {
    if (!isKeyedAggregate(spec)) continue;
    const gk = spec.by ?? "";
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { by: spec.by, fields: [], horizonMs: 0, specs: [] }));
    if (!g.fields.includes(spec.field)) g.fields.push(spec.field);
    const delayMs = spec.delay === undefined ? 0 : parseDuration(spec.delay);
    const windows = spec.windows.map((w) => ({ ms: parseDuration(w), ops: spec.ops, names: spec.ops.map((op) => aggregateFeatureName(spec, w, op)) }));
    for (const w of windows) g.horizonMs = Math.max(g.horizonMs, w.ms + delayMs);
    g.specs.push({ spec, col: g.fields.indexOf(spec.field), delayMs, windows });
  }
  const list = [...groups.values()];
  const positive = new Set(["true", schema.label.positive]);
  const needsLabels = list.some((g) => g.fields.includes(LABEL_FIELD));

  /** `start`: the stream's first event time; windows reaching before it are left missing. */
  function onEvent(event: Event, state: KeyedStateAccess, raw: Record<string, number>, start = -Infinity): void {
    const pending: string[] = [];
    const t = event.eventTimeMs;
    for (const g of list) {
      const keyValue = g.by === undefined ? event.entityId : keyOf(event.fields[g.by]);
      if (keyValue === undefined) continue; // no key: these aggregates stay missing
      const key = `agg:${g.by ?? ""}:${keyValue}`;
      const values = g.fields.map((f) => (f === LABEL_FIELD ? Number.NaN : numberOf(event.fields[f])));
      const s = addKeyed(state.get<KeyedWindowState>(key), t, event.eventId, values, g.horizonMs);
      if (state.put) state.put(key, s);
      if (g.fields.includes(LABEL_FIELD)) pending.push(key);
      for (const { col, delayMs, windows } of g.specs) {
        for (const w of windows) {
          if (t - delayMs - w.ms < start) continue;
          const a = aggregate(s, col, t - delayMs, w.ms);
          for (let i = 0; i < w.ops.length; i++) raw[w.names[i]!] = a[w.ops[i]!];
        }
      }
    }
    if (state.put && pending.length > 0 && event.eventId !== "") state.put(`lbl:${event.eventId}`, pending);
  }

  function onLabel(label: Label, state: KeyedStateAccess): boolean {
    const keys = state.get<string[]>(`lbl:${label.eventId}`);
    if (keys === undefined) return false;
    const value = positive.has(label.label) ? 1 : 0;
    for (const key of keys) {
      const s = state.get<KeyedWindowState>(key);
      const g = groups.get(key.slice(4, key.indexOf(":", 4)));
      if (!s || !g) continue;
      const i = s.id.lastIndexOf(label.eventId);
      if (i < 0) continue; // already out of every window
      const col = g.fields.indexOf(LABEL_FIELD);
      const v = s.v.map((c, ci) => (ci === col ? c.map((x, xi) => (xi === i ? value : x)) : c));
      state.put?.(key, { ...s, v });
    }
    state.delete?.(`lbl:${label.eventId}`);
    return true;
  }

  return { needsLabels, onEvent, onLabel };
}
