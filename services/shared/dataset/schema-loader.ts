/**
 * Loading and checking dataset schemas. A schema file is JSON shaped like {@link DatasetSchema}; it is
 * checked once, completely, and every problem is listed in one RtmlError(INVALID_ARGUMENT).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RtmlError } from "../errors.ts";
import { LABEL_FIELD, parseDuration, type DatasetSchema, type FieldSpec } from "./schema.ts";

/** Folder of the bundled schema files. */
export const SCHEMAS_DIR = fileURLToPath(new URL("./schemas/", import.meta.url));

/** Other names accepted for bundled schemas: `fraud` is the simulator's stream (as in the CLI). */
const ALIASES: Record<string, string> = { fraud: "fraud-sim", electricity: "elec2", banana: "bananas" };

const TYPES = new Set(["number", "integer", "boolean", "category", "string"]);
const IMPUTATIONS = new Set(["none", "mean", "mode", "constant"]);
const TOP_KEYS = new Set([
  "$comment", "name", "version", "description", "entityField", "entityDefault", "eventTime", "label", "idField",
  "fields", "maxEventBytes", "ignore", "features",
]);
const AGG_OPS = new Set(["count", "sum", "mean", "std", "min", "max"]);
const FIELD_KEYS = new Set([
  "$comment", "name", "type", "required", "min", "max", "values", "impute", "imputeValue", "feature", "description",
]);

/** Names of the bundled schemas (file names without `.json`). */
export function bundledSchemaNames(): string[] {
  return readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
}

/**
 * Loads a schema by bundled name (`elec2`, `phishing`, `bananas`, `fraud-handbook`, `fraud-sim`; alias
 * `fraud` = `fraud-sim`) or by path to a JSON file, and checks it.
 *
 * @throws RtmlError NOT_FOUND for an unknown name or missing file; INVALID_ARGUMENT for bad JSON or an
 * invalid schema, listing every problem.
 * @example
 * const schema = loadSchema("elec2");
 * console.assert(schema.label.field === "class" && schema.fields.length === 8);
 */
export function loadSchema(nameOrPath: string): DatasetSchema {
  const isPath = nameOrPath.includes("/") || nameOrPath.includes("\\") || nameOrPath.endsWith(".json");
  const bundled = ALIASES[nameOrPath] ?? nameOrPath;
  const file = isPath ? nameOrPath : `${SCHEMAS_DIR}${bundled}.json`;
  if (!existsSync(file)) {
    const hint = isPath ? "" : ` (bundled: ${bundledSchemaNames().join(", ")})`;
    throw new RtmlError("NOT_FOUND", `dataset schema ${JSON.stringify(nameOrPath)} not found${hint}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new RtmlError("INVALID_ARGUMENT", `schema ${file}: not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseSchema(parsed, file);
}

/**
 * Checks an already-parsed value against the DatasetSchema shape and its rules (unique names, ranges,
 * imputation fitting the type, no column used twice, no unknown keys).
 *
 * @throws RtmlError INVALID_ARGUMENT listing every problem (`details.problems`).
 */
export function parseSchema(value: unknown, source = "schema"): DatasetSchema {
  const problems = schemaProblems(value);
  if (problems.length > 0) {
    throw new RtmlError("INVALID_ARGUMENT", `invalid dataset schema ${source}:\n  - ${problems.join("\n  - ")}`, {
      details: { source, problems },
    });
  }
  return value as DatasetSchema;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** Every problem of a candidate schema, as readable sentences (empty when valid). */
export function schemaProblems(value: unknown): string[] {
  const p: string[] = [];
  if (!isObject(value)) return ["a schema must be a JSON object"];
  const s = value;
  for (const k of Object.keys(s)) if (!TOP_KEYS.has(k)) p.push(`unknown key "${k}"`);
  if (!isText(s.name)) p.push(`"name" must be a non-empty string`);
  if (!isText(s.version)) p.push(`"version" must be a non-empty string`);
  for (const k of ["entityField", "entityDefault", "idField", "description"]) {
    if (s[k] !== undefined && !isText(s[k])) p.push(`"${k}" must be a non-empty string when given`);
  }
  if (s.entityField === undefined && s.entityDefault === undefined) {
    p.push(`give "entityField" (the entity id column) or "entityDefault" (one constant entity)`);
  }
  const envelope: string[] = [];
  if (isText(s.entityField)) envelope.push(s.entityField);
  if (isText(s.idField)) envelope.push(s.idField);
  checkEventTime(s.eventTime, p, envelope);
  checkLabel(s.label, p, envelope);
  if (s.maxEventBytes !== undefined && !(Number.isInteger(s.maxEventBytes) && (s.maxEventBytes as number) > 0)) {
    p.push(`"maxEventBytes" must be a positive integer`);
  }
  if (s.ignore !== undefined && !isStringArray(s.ignore)) p.push(`"ignore" must be an array of column names`);
  const ignored = isStringArray(s.ignore) ? s.ignore : [];
  if (!Array.isArray(s.fields) || s.fields.length === 0) {
    p.push(`"fields" must be a non-empty array`);
    return p;
  }
  const seen = new Set<string>();
  s.fields.forEach((f, i) => checkField(f, i, p, seen));
  for (const name of envelope) {
    if (seen.has(name)) p.push(`column "${name}" is both a field and the entity/id/time/label column`);
  }
  for (const name of ignored) {
    if (seen.has(name) || envelope.includes(name)) p.push(`column "${name}" is ignored but also used`);
  }
  checkFeatures(s.features, p, seen);
  return p;
}

function checkFeatures(f: unknown, p: string[], fields: Set<string>): void {
  if (f === undefined) return;
  if (!isObject(f)) {
    p.push(`"features" must be an object`);
    return;
  }
  for (const k of Object.keys(f)) if (!["aggregates", "timeSinceLast", "standardize", "calendar", "completeWindowsOnly"].includes(k)) p.push(`features: unknown key "${k}"`);
  const calendar = ["during_weekend", "during_night", "hour", "day_of_week"];
  if (f.calendar !== undefined && (!isStringArray(f.calendar) || f.calendar.some((c) => !calendar.includes(c)))) {
    p.push(`features.calendar must be an array of ${calendar.join(", ")}`);
  }
  for (const k of ["timeSinceLast", "standardize", "completeWindowsOnly"]) {
    if (f[k] !== undefined && typeof f[k] !== "boolean") p.push(`features.${k} must be true or false`);
  }
  if (f.aggregates === undefined) return;
  if (!Array.isArray(f.aggregates)) {
    p.push(`features.aggregates must be an array`);
    return;
  }
  f.aggregates.forEach((a: unknown, i: number) => {
    const at = `features.aggregates[${i}]`;
    if (!isObject(a)) return void p.push(`${at} must be {field, windows, ops}`);
    for (const k of Object.keys(a)) if (!["field", "windows", "ops", "by", "delay"].includes(k)) p.push(`${at}: unknown key "${k}"`);
    if (!isText(a.field) || !(fields.has(a.field) || a.field === LABEL_FIELD)) p.push(`${at}.field must name a field of the schema or be "${LABEL_FIELD}"`);
    if (a.by !== undefined && (!isText(a.by) || !fields.has(a.by))) p.push(`${at}.by must name a field of the schema`);
    if (a.delay !== undefined) {
      try {
        parseDuration(String(a.delay));
      } catch (err) {
        p.push(`${at}.delay: ${(err as Error).message}`);
      }
    }
    if (!isStringArray(a.windows) || a.windows.length === 0) p.push(`${at}.windows must be a non-empty array of durations`);
    else for (const w of a.windows) {
      try {
        parseDuration(w);
      } catch (err) {
        p.push(`${at}.windows: ${(err as Error).message}`);
      }
    }
    if (!isStringArray(a.ops) || a.ops.length === 0 || a.ops.some((o) => !AGG_OPS.has(o))) {
      p.push(`${at}.ops must be a non-empty array of ${[...AGG_OPS].join(", ")}`);
    }
  });
}

function checkEventTime(t: unknown, p: string[], envelope: string[]): void {
  if (!isObject(t)) {
    p.push(`"eventTime" must be {field, unit} or {sequence: {start, stepMs}}`);
    return;
  }
  if ("sequence" in t) {
    const seq = t.sequence;
    if (!isObject(seq) || !isText(seq.start) || Number.isNaN(Date.parse(seq.start))) {
      p.push(`"eventTime.sequence.start" must be an ISO date`);
    }
    if (!isObject(seq) || !(typeof seq.stepMs === "number" && seq.stepMs > 0)) {
      p.push(`"eventTime.sequence.stepMs" must be a positive number`);
    }
    return;
  }
  if (!isText(t.field)) p.push(`"eventTime.field" must be a non-empty string`);
  else envelope.push(t.field);
  if (!["ms", "s", "iso"].includes(t.unit as string)) p.push(`"eventTime.unit" must be "ms", "s" or "iso"`);
}

function checkLabel(l: unknown, p: string[], envelope: string[]): void {
  if (!isObject(l)) {
    p.push(`"label" must be {field, positive, classes?, map?}`);
    return;
  }
  if (!isText(l.field)) p.push(`"label.field" must be a non-empty string`);
  else envelope.push(l.field);
  if (typeof l.positive !== "string") p.push(`"label.positive" must be a string`);
  if (l.classes !== undefined && !isStringArray(l.classes)) p.push(`"label.classes" must be an array of strings`);
  if (l.map !== undefined && !(isObject(l.map) && Object.values(l.map).every((v) => typeof v === "string"))) {
    p.push(`"label.map" must map raw label values to class names (strings)`);
  }
}

function checkField(f: unknown, i: number, p: string[], seen: Set<string>): void {
  if (!isObject(f)) {
    p.push(`fields[${i}] must be an object`);
    return;
  }
  const at = isText(f.name) ? `field "${f.name}"` : `fields[${i}]`;
  for (const k of Object.keys(f)) if (!FIELD_KEYS.has(k)) p.push(`${at}: unknown key "${k}"`);
  if (!isText(f.name)) p.push(`${at}: "name" must be a non-empty string`);
  else if (seen.has(f.name)) p.push(`${at}: duplicate field name`);
  else seen.add(f.name);
  if (!TYPES.has(f.type as string)) {
    p.push(`${at}: "type" must be one of ${[...TYPES].join(", ")} (got ${JSON.stringify(f.type)})`);
    return;
  }
  const spec = f as unknown as FieldSpec;
  const numeric = spec.type === "number" || spec.type === "integer";
  for (const k of ["required", "feature"] as const) {
    if (f[k] !== undefined && typeof f[k] !== "boolean") p.push(`${at}: "${k}" must be true or false`);
  }
  for (const k of ["min", "max"] as const) {
    if (f[k] === undefined) continue;
    if (!numeric) p.push(`${at}: "${k}" is only for number and integer fields`);
    else if (typeof f[k] !== "number" || !Number.isFinite(f[k])) p.push(`${at}: "${k}" must be a finite number`);
  }
  if (typeof f.min === "number" && typeof f.max === "number" && f.min > f.max) p.push(`${at}: "min" is above "max"`);
  if (f.values !== undefined) {
    if (spec.type !== "category") p.push(`${at}: "values" is only for category fields`);
    else if (!isStringArray(f.values) || f.values.length === 0) p.push(`${at}: "values" must be a non-empty string array`);
  }
  checkImputation(f, spec, at, p);
}

function checkImputation(f: Record<string, unknown>, spec: FieldSpec, at: string, p: string[]): void {
  if (f.impute === undefined) {
    if (f.imputeValue !== undefined) p.push(`${at}: "imputeValue" needs "impute": "constant"`);
    return;
  }
  if (!IMPUTATIONS.has(f.impute as string)) {
    p.push(`${at}: "impute" must be one of ${[...IMPUTATIONS].join(", ")}`);
    return;
  }
  const numeric = spec.type === "number" || spec.type === "integer";
  if (f.impute === "mean" && !numeric) p.push(`${at}: "mean" imputation needs a number or integer field`);
  if (f.impute === "mode" && spec.type === "number") p.push(`${at}: "mode" imputation is for discrete fields; use "mean"`);
  const v = f.imputeValue;
  if (f.impute === "constant" && v === undefined) p.push(`${at}: "constant" imputation needs "imputeValue"`);
  if (v === undefined) return;
  const fits =
    (numeric && typeof v === "number" && Number.isFinite(v) && (spec.type === "number" || Number.isInteger(v))) ||
    (spec.type === "boolean" && typeof v === "boolean") ||
    ((spec.type === "category" || spec.type === "string") && typeof v === "string");
  if (!fits) p.push(`${at}: "imputeValue" ${JSON.stringify(v)} does not fit type ${spec.type}`);
  if (fits && spec.type === "category" && spec.values && !spec.values.includes(v as string)) {
    p.push(`${at}: "imputeValue" ${JSON.stringify(v)} is not one of "values"`);
  }
}
