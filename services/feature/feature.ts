/**
 * feature: turns a valid event into the model's feature vector — the raw numeric fields, per-entity
 * windowed aggregates by event time (count, sum, mean, std, min, max over sliding windows) and the time
 * since the entity's previous event, standardised online. Entity windows live in keyed state (key = the
 * entity id, changelog-backed), so the function runs under key_shared and survives restarts.
 */
import { parseDuration, type DatasetSchema } from "../shared/dataset/schema.ts";
import type { Context, MeshFunction } from "../shared/function/types.ts";
import { codecs, type Event, type FeatureVector, type FieldValue } from "../shared/messages.ts";
import { Topics } from "../shared/topics.ts";
import { createOnlineScaler, type OnlineScaler, type RunningStats } from "./scaler.ts";
import { addEvent, aggregate, type EntityWindowState, type WindowSpec } from "./windows.ts";

export interface FeatureOptions {
  schema: DatasetSchema;
  /** Also publish unstandardised values in FeatureVector.raw. Default false. */
  emitRaw?: boolean;
  /** Checkpoint the scaler into keyed state every N events. Default 1000. */
  scalerCheckpointEvery?: number;
}

export interface FeatureService {
  process: MeshFunction<Event>;
  /** The entity's feature vector as of `asOfMs` (default: its latest event), from keyed state. */
  lookup(entityId: string, state: { get<T>(key: string): T | undefined }, asOfMs?: number): FeatureVector | undefined;
  /** Features computed for one event, without touching state (for synchronous Predict calls). */
  compute(event: Event, prev: EntityWindowState | undefined): { values: Record<string, number>; raw: Record<string, number> };
  readonly featureNames: readonly string[];
}

const SCALER_KEY = "__scaler";

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
  const aggFields = [...new Set((spec.aggregates ?? []).map((a) => a.field))];
  const windows: WindowSpec[] = (spec.aggregates ?? []).flatMap((a) =>
    a.windows.map((w) => ({ field: a.field, windowMs: parseDuration(w), label: w, ops: a.ops })),
  );
  const horizon = Math.max(0, ...windows.map((w) => w.windowMs));
  const timeSinceLast = spec.timeSinceLast ?? true;
  const standardize = spec.standardize ?? true;
  const checkpointEvery = options.scalerCheckpointEvery ?? 1000;
  let scaler: OnlineScaler | undefined;
  let seen = 0;

  const featureNames = [
    ...numeric,
    ...windows.flatMap((w) => w.ops.map((op) => `${w.field}_${op}_${w.label}`)),
    ...(timeSinceLast ? ["secs_since_prev"] : []),
  ];

  function compute(event: Event, prev: EntityWindowState | undefined) {
    const raw: Record<string, number> = {};
    for (const name of numeric) {
      const x = toNumber(event.fields[name]);
      if (x !== undefined) raw[name] = x;
    }
    const state = windows.length
      ? addEvent(prev, event.eventTimeMs, aggFields.map((f) => toNumber(event.fields[f]) ?? Number.NaN), horizon)
      : undefined;
    if (state) {
      for (const w of windows) {
        const a = aggregate(state, aggFields.indexOf(w.field), event.eventTimeMs, w.windowMs);
        for (const op of w.ops) raw[`${w.field}_${op}_${w.label}`] = a[op];
      }
    }
    if (timeSinceLast) raw.secs_since_prev = prev ? Math.max(0, (event.eventTimeMs - prev.last) / 1000) : 0;
    return { raw, state, values: raw };
  }

  const process: MeshFunction<Event> = (event: Event, ctx: Context) => {
    if (!scaler) scaler = createOnlineScaler(ctx.state.get<Record<string, RunningStats>>(SCALER_KEY) ?? {});
    const prev = ctx.state.get<EntityWindowState>(event.entityId);
    const { raw, state } = compute(event, prev);
    ctx.state.put(event.entityId, state ?? { t: [], v: [], last: Math.max(prev?.last ?? event.eventTimeMs, event.eventTimeMs) });
    if (++seen % checkpointEvery === 0) ctx.state.put(SCALER_KEY, scaler.toJSON());
    const values = standardize ? scaler.learnAndScale(raw) : raw;
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
    for (const w of windows) {
      const a = aggregate(s, aggFields.indexOf(w.field), at, w.windowMs);
      for (const op of w.ops) raw[`${w.field}_${op}_${w.label}`] = a[op];
    }
    if (timeSinceLast) raw.secs_since_prev = Math.max(0, (at - s.last) / 1000);
    return { eventId: "", entityId, eventTimeMs: at, ingestTimeMs: 0, values: raw, raw, sequence: 0 };
  }

  return { process, lookup, compute: (e, p) => { const r = compute(e, p); return { values: r.values, raw: r.raw }; }, featureNames };
}
