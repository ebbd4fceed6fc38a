/**
 * The declarative dataset schema. A dataset is described once (fields, types, ranges, required,
 * imputation, entity key, event-time field, label field); validate compiles it, ingest reads files with
 * it, and nothing else hard-codes a dataset. Bundled schemas live in services/shared/dataset/schemas/.
 *
 * Column roles: `entityField`, `eventTime.field`, `label.field` and `idField` name file columns that become
 * the Event's envelope (entity id, event time, label, event id); they are not listed in `fields`. Every
 * other column is either a field (`fields`) or ignored (`ignore`).
 */
import type { FieldValue } from "../messages.ts";

export type FieldType = "number" | "integer" | "boolean" | "category" | "string";
export type Imputation = "none" | "mean" | "mode" | "constant";

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Missing values are rejected (MISSING_FIELD) unless imputed. Default false. */
  required?: boolean;
  /** Inclusive numeric range; values outside are rejected (OUT_OF_RANGE). */
  min?: number;
  max?: number;
  /** Allowed values of a category. */
  values?: string[];
  /** How a missing value is filled. Default "none" (left missing if not required). */
  impute?: Imputation;
  /** The value used by impute "constant". */
  imputeValue?: number | string | boolean;
  /** Whether the feature service uses this field as a model input. Default true for numeric fields. */
  feature?: boolean;
}

export interface DatasetSchema {
  name: string;
  version: string;
  description?: string;
  /** Field holding the entity id (message key); absent: every event has entity `entityDefault`. */
  entityField?: string;
  entityDefault?: string;
  /**
   * Event time: a field and its unit, or "sequence" (start + index × stepMs) for data with no usable
   * timestamp column.
   */
  eventTime:
    | { field: string; unit: "ms" | "s" | "iso" }
    | { sequence: { start: string; stepMs: number } };
  /**
   * Field holding the ground-truth label and the value counted as the positive class. `map` renames raw
   * label values first (e.g. Elec2's file has "1"/"0" where River has "UP"/"DOWN"); `positive` is compared
   * with the mapped value. Readers emit binary labels as "true"/"false" (the Label message convention).
   */
  label: { field: string; positive: string; classes?: string[]; map?: Record<string, string> };
  /** Field holding a producer-given event id, if any. */
  idField?: string;
  fields: FieldSpec[];
  /** Largest accepted encoded event, in bytes. Default 64 KiB. */
  maxEventBytes?: number;
  /** Columns present in files but not part of the event (ignored by ingest). */
  ignore?: string[];
  /** Feature engineering for this dataset. */
  features?: FeatureSpec;
}

/**
 * One record read from a dataset (a file reader or a simulator), before ingest turns it into an Event.
 * `fields` keeps the raw type of every value: a CSV cell "abc" in a number column stays `{ text: "abc" }`
 * so validate can reject it; an empty cell is absent.
 */
export interface DatasetRecord {
  fields: Record<string, FieldValue>;
  entityId: string;
  /** Epoch ms; NaN when the time column could not be parsed (validate rejects it as MISSING_ID). */
  eventTimeMs: number;
  /** "true"/"false" for a binary label, the class name otherwise; undefined when the row has none. */
  label: string | undefined;
  /** Producer-given event id (the schema's idField), when there is one. */
  eventId?: string;
  /** 0-based index of the record in its stream. */
  index: number;
}

export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024;

/** Aggregations the feature service computes per entity. */
export type AggregateOp = "count" | "sum" | "mean" | "std" | "min" | "max";

/** The `field` of an aggregate over the revealed labels (1 = positive class, 0 = other, missing until revealed). */
export const LABEL_FIELD = "label";

/**
 * One windowed aggregate. Plain (`{ field, windows, ops }`): per entity, over (t − w, t], the current
 * event included. Keyed and delayed (`by`, `delay`, or `field: "label"`): the windows are kept per value
 * of the event field `by` (default: the entity) and cover (t − delay − w, t − delay]; `field: "label"`
 * aggregates the labels, filled in as they arrive on the labels topic (a label-based aggregate with
 * `delay` ≥ the label delay only ever sees revealed labels: the Fraud Detection Handbook's terminal RISK
 * is `{ by: "TERMINAL_ID", field: "label", ops: ["mean"], delay: "7d" }`).
 */
export interface AggregateSpec {
  field: string;
  windows: string[];
  ops: AggregateOp[];
  /** Key the windows by this field's value instead of the entity. */
  by?: string;
  /** Shift the windows back by this duration. */
  delay?: string;
}

/** Calendar features of the event time (UTC): Saturday/Sunday, hour <= 6, hour, weekday (Monday = 0). */
export type CalendarFeature = "during_weekend" | "during_night" | "hour" | "day_of_week";

/** What the feature service computes for a dataset (optional part of a DatasetSchema). */
export interface FeatureSpec {
  /** Sliding event-time windows per field: over (t − window, t], the current event included. */
  aggregates?: AggregateSpec[];
  /** Calendar features of the event time, emitted after the numeric fields. */
  calendar?: CalendarFeature[];
  /** Emit seconds since the entity's previous event. Default true. */
  timeSinceLast?: boolean;
  /** Standardise every value online (running mean and variance). Default true. */
  standardize?: boolean;
  /**
   * Leave an aggregate out (missing) while its window, shifted by its delay, still reaches before the
   * first event the service has seen: a window is only emitted once the stream covers it, instead of
   * a count or mean over a truncated history (which a model would learn at the wrong scale). Default false.
   */
  completeWindowsOnly?: boolean;
}

/** Parses a duration such as "500ms", "30s", "15m", "2h", "7d" into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}" (use e.g. 500ms, 30s, 15m, 2h, 7d)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "ms" | "s" | "m" | "h" | "d"];
  return Number(m[1]) * unit;
}
