/**
 * Compiles a DatasetSchema into a validator for Events. Decisions (also in the service notes):
 *
 * - Types are strict. A number field takes only `{number}`; numeric text such as "3.5" is WRONG_TYPE —
 *   readers already type file values, and a producer that sends text meant text. An integer field takes a
 *   `{number}` with an integral value; a boolean field only `{flag}`; category and string fields only
 *   `{text}`.
 * - NaN and ±Infinity are NOT_FINITE (a reject, never imputed). Range (`min`/`max`, inclusive) breaches are
 *   OUT_OF_RANGE; a category value not in `values` is UNKNOWN_CATEGORY.
 * - Missing (absent, `{null}` or an empty FieldValue) is filled by the field's imputation — running mean
 *   (numbers), running mode (discrete fields), or the constant; a mean/mode with no statistics yet falls
 *   back to `imputeValue`. A missing field that is not imputed is MISSING_FIELD when `required`, else left
 *   missing.
 * - Envelope: empty event id, a missing entity id (schemas with `entityField`) or an event time ≤ 0 are
 *   MISSING_ID. Schemas without `entityField` fill an empty entity id with `entityDefault`.
 * - Unknown extra fields are stripped from the normalized event by default (`unknownFields: "keep"` keeps
 *   them, unchecked); they are counted, never a reject.
 * - Every problem is reported (all reasons, not the first); the RejectedEvent code is the first reason's.
 * - Running statistics are updated only from accepted events and only with observed (not imputed) values.
 */
import type { DatasetSchema, FieldSpec } from "../shared/dataset/schema.ts";
import { RejectCode, type Event, type FieldValue, type RejectReason } from "../shared/messages.ts";
import { createFieldStats, kindOf, type FieldStats } from "./field-stats.ts";

export type ValidationResult =
  | { ok: true; event: Event; imputed: string[]; unknownFields: string[] }
  | { ok: false; reasons: RejectReason[] };

export interface CompileOptions {
  /** What to do with fields the schema does not declare. Default "strip". */
  unknownFields?: "strip" | "keep";
}

export interface Validator {
  readonly schema: DatasetSchema;
  /** Checks and normalizes one event; on success (and unless `dryRun`) updates the running statistics. */
  validate(event: Event, options?: { dryRun?: boolean }): ValidationResult;
  /** The running statistics (the validate service's state). */
  readonly stats: FieldStats;
}

const describe = (v: FieldValue | undefined): string => {
  const k = kindOf(v);
  if (k === "number") return `number ${v!.number}`;
  if (k === "text") return `text ${JSON.stringify((v!.text as string).slice(0, 40))}`;
  if (k === "flag") return `boolean ${v!.flag}`;
  return k;
};

const reason = (code: RejectCode, field: string, message: string): RejectReason => ({ code, field, message });

/** Checks one present value against its spec; returns the reasons (empty when valid) and the normalized value. */
function checkValue(spec: FieldSpec, v: FieldValue): { reasons: RejectReason[]; value?: FieldValue } {
  const kind = kindOf(v);
  const at = spec.name;
  const wrong = () => ({ reasons: [reason(RejectCode.WRONG_TYPE, at, `field "${at}": expected ${spec.type}, got ${describe(v)}`)] });
  switch (spec.type) {
    case "number":
    case "integer": {
      if (kind !== "number") return wrong();
      const x = Number(v.number);
      if (!Number.isFinite(x)) return { reasons: [reason(RejectCode.NOT_FINITE, at, `field "${at}": ${x} is not a finite number`)] };
      if (spec.type === "integer" && !Number.isInteger(x)) {
        return { reasons: [reason(RejectCode.WRONG_TYPE, at, `field "${at}": expected integer, got ${x}`)] };
      }
      if ((spec.min !== undefined && x < spec.min) || (spec.max !== undefined && x > spec.max)) {
        const range = `[${spec.min ?? "-inf"}, ${spec.max ?? "inf"}]`;
        return { reasons: [reason(RejectCode.OUT_OF_RANGE, at, `field "${at}": ${x} is outside ${range}`)] };
      }
      return { reasons: [], value: { number: x } };
    }
    case "boolean":
      return kind === "flag" ? { reasons: [], value: { flag: Boolean(v.flag) } } : wrong();
    case "category": {
      if (kind !== "text") return wrong();
      const t = v.text as string;
      if (spec.values && !spec.values.includes(t)) {
        return { reasons: [reason(RejectCode.UNKNOWN_CATEGORY, at, `field "${at}": unknown category ${JSON.stringify(t.slice(0, 40))}`)] };
      }
      return { reasons: [], value: { text: t } };
    }
    default:
      return kind === "text" ? { reasons: [], value: { text: v.text as string } } : wrong();
  }
}

function impute(spec: FieldSpec, stats: FieldStats): FieldValue | undefined {
  const constant = (): FieldValue | undefined => {
    const c = spec.imputeValue;
    if (c === undefined) return undefined;
    return typeof c === "number" ? { number: c } : typeof c === "boolean" ? { flag: c } : { text: c };
  };
  switch (spec.impute) {
    case "mean": {
      const m = stats.mean(spec.name);
      if (m === undefined) return constant();
      return { number: spec.type === "integer" ? Math.round(m) : m };
    }
    case "mode":
      return stats.mode(spec.name) ?? constant();
    case "constant":
      return constant();
    default:
      return undefined;
  }
}

/**
 * Compiles a schema into a validator with its own running statistics.
 *
 * @example
 * const v = compileSchema({ name: "d", version: "1", entityDefault: "e",
 *   eventTime: { sequence: { start: "2020-01-01", stepMs: 1 } }, label: { field: "y", positive: "1" },
 *   fields: [{ name: "x", type: "number", required: true }] });
 * const base = { eventId: "1", entityId: "", eventTimeMs: 5, ingestTimeMs: 5, dataset: "d", schemaVersion: "1", sequence: 0 };
 * console.assert(v.validate({ ...base, fields: { x: { number: 2 } } }).ok);
 * const bad = v.validate({ ...base, fields: { x: { text: "3.5" } } });
 * console.assert(!bad.ok && bad.reasons[0].message.includes("expected number"));
 */
export function compileSchema(schema: DatasetSchema, options: CompileOptions = {}): Validator {
  const keepUnknown = options.unknownFields === "keep";
  const stats = createFieldStats(schema);
  const declared = new Set(schema.fields.map((f) => f.name));

  function validate(event: Event, opts: { dryRun?: boolean } = {}): ValidationResult {
    const reasons: RejectReason[] = [];
    if (!event.eventId) reasons.push(reason(RejectCode.MISSING_ID, "eventId", "the event has no event id"));
    let entityId = event.entityId ?? "";
    if (!entityId) {
      if (schema.entityField === undefined) entityId = schema.entityDefault ?? schema.name;
      else reasons.push(reason(RejectCode.MISSING_ID, "entityId", `the event has no entity id (${schema.entityField})`));
    }
    const t = Number(event.eventTimeMs);
    if (!(Number.isFinite(t) && t > 0)) reasons.push(reason(RejectCode.MISSING_ID, "eventTimeMs", "the event has no event time"));

    const input = event.fields ?? {};
    const fields: Record<string, FieldValue> = {};
    const imputed: string[] = [];
    for (const spec of schema.fields) {
      const v = input[spec.name];
      const kind = kindOf(v);
      if (kind === "missing" || kind === "null") {
        const filled = impute(spec, stats);
        if (filled !== undefined) {
          fields[spec.name] = filled;
          imputed.push(spec.name);
        } else if (spec.required) {
          reasons.push(reason(RejectCode.MISSING_FIELD, spec.name, `required field "${spec.name}" is missing`));
        }
        continue;
      }
      const checked = checkValue(spec, v);
      if (checked.value) fields[spec.name] = checked.value;
      else reasons.push(...checked.reasons);
    }
    const unknownFields = Object.keys(input).filter((k) => !declared.has(k));
    if (reasons.length > 0) return { ok: false, reasons };
    if (keepUnknown) for (const k of unknownFields) fields[k] = input[k];
    if (!opts.dryRun) stats.observe(fields, new Set(imputed));
    const normalized: Event = {
      eventId: event.eventId,
      entityId,
      eventTimeMs: t,
      ingestTimeMs: Number(event.ingestTimeMs) || 0,
      fields,
      dataset: schema.name,
      schemaVersion: event.schemaVersion || schema.version,
      sequence: Number(event.sequence) || 0,
    };
    return { ok: true, event: normalized, imputed, unknownFields };
  }

  return { schema, validate, stats };
}
