/**
 * The declarative dataset schema. A dataset is described once (fields, types, ranges, required,
 * imputation, entity key, event-time field, label field); validate compiles it, ingest reads files with
 * it, and nothing else hard-codes a dataset. Bundled schemas live in services/shared/dataset/schemas/.
 */
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
  /** Field holding the ground-truth label and the value counted as the positive class. */
  label: { field: string; positive: string; classes?: string[] };
  /** Field holding a producer-given event id, if any. */
  idField?: string;
  fields: FieldSpec[];
  /** Largest accepted encoded event, in bytes. Default 64 KiB. */
  maxEventBytes?: number;
  /** Columns present in files but not part of the event (ignored by ingest). */
  ignore?: string[];
}

export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
