/**
 * feature: turns a valid event into the model's feature vector — the raw numeric fields, per-entity
 * windowed aggregates by event time (count, sum, mean, std, min, max over sliding windows) and the time
 * since the entity's previous event, standardised online. Entity windows live in keyed state (key = the
 * entity id, changelog-backed), so the function runs under key_shared and survives restarts.
 *
 * The scaler is shared by all entities, so it lives in memory and is checkpointed into keyed state
 * (key `__scaler`) every `scalerCheckpointEvery` events, the checkpoint including the event that
 * triggers it. A restart resumes from the last checkpoint. An event id the scaler has already learned
 * (a retry after a failed publish, a redelivery) is scaled but not learned again.
 */
import { featureNamesOf } from "../shared/dataset/feature-names.ts";
import { parseDuration, type CalendarFeature, type DatasetSchema } from "../shared/dataset/schema.ts";
import type { Context, MeshFunction } from "../shared/function/types.ts";
import { codecs, type Event, type FeatureVector, type FieldValue, type Label } from "../shared/messages.ts";
import { createBoundedSet } from "../shared/bounded-map.ts";
import { Topics } from "../shared/topics.ts";
import { createOnlineScaler, type OnlineScaler, type RunningStats } from "./scaler.ts";
import { createKeyedAggregates, isKeyedAggregate, type KeyedStateAccess } from "./keyed.ts";
import { addEvent, aggregate, previousTime, type EntityWindowState, type WindowSpec } from "./windows.ts";

export interface FeatureOptions {
  schema: DatasetSchema;
  /** Also publish unstandardised values in FeatureVector.raw. Default false. */
  emitRaw?: boolean;
  /** Checkpoint the scaler into keyed state every N events. Default 1000. */
  scalerCheckpointEvery?: number;
}

export interface FeatureService {
  process: MeshFunction<Event>;
  /**
   * Feeds a revealed label to the label-based aggregates (`field: "label"`, see keyed.ts). A no-op for
   * schemas without them (`needsLabels` false).
   */
  processLabel: MeshFunction<Label>;
  /** True when the schema has label-based aggregates, so labels must be fed to `processLabel`. */
  readonly needsLabels: boolean;
  /**
   * The entity's windowed features as of `asOfMs` (default: its latest event), from keyed state; the
   * event's own fields are not kept, so only aggregates and `secs_since_prev` are returned. `values` are
   * standardised with the current scaler (without learning), `raw` are not.
   */
  lookup(entityId: string, state: { get<T>(key: string): T | undefined }, asOfMs?: number): FeatureVector | undefined;
  /**
   * Features computed for one event, without touching state (for synchronous Predict calls); `values`
   * scaled without learning. Keyed aggregates (`by`/`delay`/label) are computed only when `state` is given.
   */
  compute(event: Event, prev: EntityWindowState | undefined, state?: KeyedStateAccess): { values: Record<string, number>; raw: Record<string, number> };
  readonly featureNames: readonly string[];
}

/** Keyed-state key of the stream's first event time (FeatureSpec.completeWindowsOnly). */
export const START_KEY = "__start";
/** Keyed-state key of the scaler checkpoint. */
export const SCALER_KEY = "__scaler";
/** Event ids remembered as learned by the scaler (retries and redeliveries land well inside). */
const SCALER_DEDUP = 10_000;

function toNumber(v: FieldValue | undefined): number | undefined {
  if (!v) return undefined;
  if (typeof v.number === "number") return v.number;
  if (typeof v.flag === "boolean") return v.flag ? 1 : 0;
  return undefined;
}

export function createFeatureService(options: FeatureOptions): FeatureService {
  const { schema } = options;
  const spec = schema.features ?? {};
  const numeric = schema.fields
    .filter((f) => (f.type === "number" || f.type === "integer" || f.type === "boolean") && f.feature !== false)
    .map((f) => f.name);
  const plain = (spec.aggregates ?? []).filter((a) => !isKeyedAggregate(a));
  const keyed = createKeyedAggregates(schema);
  const calendar: CalendarFeature[] = spec.calendar ?? [];
  const aggFields = [...new Set(plain.map((a) => a.field))];
  const windows: (WindowSpec & { col: number; names: string[] })[] = plain.flatMap((a) =>
    a.windows.map((w) => ({
      field: a.field, windowMs: parseDuration(w), label: w, ops: a.ops, col: aggFields.indexOf(a.field),
      names: a.ops.map((op) => `${a.field}_${op}_${w}`),
    })),
  );
  const horizon = Math.max(0, ...windows.map((w) => w.windowMs));
  const timeSinceLast = spec.timeSinceLast ?? true;
  const standardize = spec.standardize ?? true;
  const completeOnly = spec.completeWindowsOnly ?? false;
  const checkpointEvery = Math.max(1, options.scalerCheckpointEvery ?? 1000);
  let scaler: OnlineScaler | undefined;
  let seen = 0;
  const scalerLearned = createBoundedSet(SCALER_DEDUP);

  const featureNames = featureNamesOf(schema);

  function windowed(s: EntityWindowState, at: number, raw: Record<string, number>, start = -Infinity) {
    for (const w of windows) {
      if (at - w.windowMs < start) continue; // window reaches before the stream: missing (completeWindowsOnly)
      const a = aggregate(s, w.col, at, w.windowMs);
      for (let i = 0; i < w.ops.length; i++) raw[w.names[i]] = a[w.ops[i]];
    }
  }

  function computeRaw(event: Event, prev: EntityWindowState | undefined, start = -Infinity) {
    const raw: Record<string, number> = {};
    for (const name of numeric) {
      const x = toNumber(event.fields[name]);
      if (x !== undefined) raw[name] = x;
    }
    const t = event.eventTimeMs;
    if (calendar.length > 0) {
      const d = new Date(t);
      const day = d.getUTCDay();
      for (const c of calendar) {
        if (c === "during_weekend") raw[c] = day === 0 || day === 6 ? 1 : 0;
        else if (c === "during_night") raw[c] = d.getUTCHours() <= 6 ? 1 : 0;
        else if (c === "hour") raw[c] = d.getUTCHours();
        else raw[c] = (day + 6) % 7;
      }
    }
    const state = windows.length
      ? addEvent(prev, t, aggFields.map((f) => toNumber(event.fields[f]) ?? Number.NaN), horizon)
      : undefined;
    if (state) windowed(state, t, raw, start);
    if (timeSinceLast) {
      // A late event measures from the entity's event before it, when the window state still has it.
      const before = prev && t < prev.last ? (previousTime(prev, t) ?? t) : prev?.last;
      raw.secs_since_prev = before === undefined ? 0 : Math.max(0, (t - before) / 1000);
    }
    return { raw, state };
  }

  function scalerFrom(state: { get<T>(key: string): T | undefined }): OnlineScaler {
    return scaler ?? createOnlineScaler(state.get<Record<string, RunningStats>>(SCALER_KEY) ?? {});
  }

  const process: MeshFunction<Event> = (event: Event, ctx: Context) => {
    if (!scaler) scaler = scalerFrom(ctx.state);
    const prev = ctx.state.get<EntityWindowState>(event.entityId);
    let start = -Infinity;
    if (completeOnly) {
      const known = ctx.state.get<number>(START_KEY);
      start = known === undefined || known === null ? event.eventTimeMs : Math.min(known, event.eventTimeMs);
      if (start !== known) ctx.state.put(START_KEY, start);
    }
    const { raw, state } = computeRaw(event, prev, start);
    keyed.onEvent(event, ctx.state, raw, start);
    ctx.state.put(event.entityId, state ?? { t: [], v: [], last: Math.max(prev?.last ?? event.eventTimeMs, event.eventTimeMs) });
    let values = raw;
    if (standardize) {
      const again = event.eventId !== "" && scalerLearned.has(event.eventId);
      values = again ? scaler.scale(raw) : scaler.learnAndScale(raw);
      if (!again) {
        if (event.eventId !== "") scalerLearned.add(event.eventId);
        if (++seen % checkpointEvery === 0) ctx.state.put(SCALER_KEY, scaler.toJSON());
      }
    }
    ctx.publish(
      Topics.features,
      codecs.featureVector,
      {
        eventId: event.eventId,
        entityId: event.entityId,
        eventTimeMs: event.eventTimeMs,
        ingestTimeMs: event.ingestTimeMs,
        values,
        raw: options.emitRaw ? raw : undefined,
        sequence: event.sequence,
      },
      { key: event.entityId, properties: ctx.record.properties as Record<string, string>, eventTime: event.eventTimeMs },
    );
  };

  function lookup(entityId: string, state: { get<T>(key: string): T | undefined }, asOfMs?: number) {
    const s = state.get<EntityWindowState>(entityId);
    if (!s) return undefined;
    const at = asOfMs ?? s.last;
    const raw: Record<string, number> = {};
    windowed(s, at, raw);
    if (timeSinceLast) {
      const before = at < s.last ? previousTime(s, at) : s.last;
      raw.secs_since_prev = before === undefined ? 0 : Math.max(0, (at - before) / 1000);
    }
    const values = standardize ? scalerFrom(state).scale(raw) : raw;
    return { eventId: "", entityId, eventTimeMs: at, ingestTimeMs: 0, values, raw, sequence: 0 };
  }

  function compute(event: Event, prev: EntityWindowState | undefined, state?: KeyedStateAccess) {
    const start = completeOnly ? (state?.get<number>(START_KEY) ?? -Infinity) : -Infinity;
    const { raw } = computeRaw(event, prev, start);
    if (state) keyed.onEvent(event, { get: (k) => state.get(k) }, raw, start);
    return { values: standardize ? (scaler ?? createOnlineScaler()).scale(raw) : raw, raw };
  }

  const processLabel: MeshFunction<Label> = (label: Label, ctx: Context) => {
    if (keyed.needsLabels) keyed.onLabel(label, ctx.state);
  };

  return { process, processLabel, needsLabels: keyed.needsLabels, lookup, compute, featureNames };
}
