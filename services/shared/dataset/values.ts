/**
 * Turning raw file values (CSV cells, JSON values) into FieldValues while keeping their raw type, so that
 * validate — not the reader — decides what is wrong. Rules:
 *
 * - number / integer column: a cell that is a decimal number (sign, fraction and exponent allowed, as in
 *   Elec2's `4.40E-05`) becomes `{number}`; `NaN`, `inf`, `Infinity` (any case, signed) become the
 *   non-finite number, which validate rejects as NOT_FINITE; any other text stays `{text}` (WRONG_TYPE).
 * - boolean column: `true/false/1/0/yes/no/t/f/y/n` (any case) become `{flag}`; other text stays `{text}`.
 * - category / string column: the cell as `{text}`; a JSON number becomes its decimal text (ids such as
 *   `TERMINAL_ID: 2328` are often written as numbers).
 * - An empty cell (after trimming) or JSON null is missing: the field is absent.
 */
import type { FieldValue } from "../messages.ts";
import type { DatasetSchema, FieldType } from "./schema.ts";

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE: Record<string, number> = {
  nan: Number.NaN, "+nan": Number.NaN, "-nan": Number.NaN,
  inf: Infinity, "+inf": Infinity, infinity: Infinity, "+infinity": Infinity,
  "-inf": -Infinity, "-infinity": -Infinity,
};
const TRUE = new Set(["true", "1", "yes", "t", "y"]);
const FALSE = new Set(["false", "0", "no", "f", "n"]);

/**
 * Parses a decimal number strictly (the whole text; no hex, no empty string), or undefined.
 *
 * @example
 * console.assert(parseDecimal("4.40E-05") === 4.4e-5 && parseDecimal("3 apples") === undefined);
 */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (DECIMAL.test(t)) return Number(t);
  const special = NON_FINITE[t.toLowerCase()];
  return special;
}

/** A CSV cell as a FieldValue of a column of type `type`; undefined when the cell is empty. */
export function cellToFieldValue(cell: string, type: FieldType): FieldValue | undefined {
  const t = cell.trim();
  if (t === "") return undefined;
  switch (type) {
    case "number":
    case "integer": {
      const n = parseDecimal(t);
      return n === undefined ? { text: cell } : { number: n };
    }
    case "boolean": {
      const lower = t.toLowerCase();
      if (TRUE.has(lower)) return { flag: true };
      if (FALSE.has(lower)) return { flag: false };
      return { text: cell };
    }
    default:
      return { text: t };
  }
}

/** A JSON value as a FieldValue of a column of type `type`; undefined for null / absent. */
export function jsonToFieldValue(value: unknown, type: FieldType): FieldValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number") {
    return type === "category" || type === "string" ? { text: String(value) } : { number: value };
  }
  if (typeof value === "boolean") return { flag: value };
  if (typeof value === "string") return { text: value };
  return { text: JSON.stringify(value) };
}

/**
 * The label of a row as the Label message carries it: `"true"`/`"false"` for a binary label (compared with
 * `label.positive` after `label.map`, numerically when both are numbers, so "1.0" matches "1"), the class
 * name when the schema lists more than two classes; undefined when the row has no label.
 *
 * @example
 * const spec = { field: "class", positive: "UP", map: { "1": "UP", "0": "DOWN" } };
 * console.assert(normalizeLabel("1", spec) === "true" && normalizeLabel("0", spec) === "false");
 */
export function normalizeLabel(raw: unknown, spec: DatasetSchema["label"]): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const text = String(raw).trim();
  if (text === "") return undefined;
  const mapped = spec.map?.[text] ?? text;
  if (spec.classes && spec.classes.length > 2) return mapped;
  if (mapped === spec.positive) return "true";
  const a = parseDecimal(mapped);
  const b = parseDecimal(spec.positive);
  return a !== undefined && b !== undefined && a === b ? "true" : "false";
}

/**
 * An event-time value in epoch ms (NaN when unparseable). ISO-like text without a zone designator
 * (`2018-07-25 00:00:29`) is read as UTC, so replays do not depend on the machine's time zone.
 */
export function parseEventTime(raw: unknown, unit: "ms" | "s" | "iso"): number {
  if (raw === null || raw === undefined) return Number.NaN;
  if (unit === "iso") {
    if (typeof raw === "number") return raw;
    let t = String(raw).trim().replace(" ", "T");
    if (t === "") return Number.NaN;
    if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t)) t += "Z";
    return Date.parse(t);
  }
  const n = typeof raw === "number" ? raw : parseDecimal(String(raw));
  if (n === undefined) return Number.NaN;
  return unit === "s" ? n * 1000 : n;
}

/** Start (epoch ms) and step of a sequence event time, or undefined when the schema uses a time field. */
export function sequenceTime(schema: DatasetSchema): { startMs: number; stepMs: number } | undefined {
  if (!("sequence" in schema.eventTime)) return undefined;
  return { startMs: Date.parse(schema.eventTime.sequence.start), stepMs: schema.eventTime.sequence.stepMs };
}
