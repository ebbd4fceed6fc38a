/**
 * Streaming dataset readers: CSV, CSV.gz, JSONL and JSONL.gz (also `.ndjson`), described by a DatasetSchema.
 * Records stream with bounded memory (Node stream backpressure); nothing is loaded whole.
 *
 * Column rules: the entity, id and time columns and every `required` field must be in a CSV header
 * (RtmlError INVALID_ARGUMENT otherwise); the label column may be absent (unlabelled data); columns the
 * schema does not mention are dropped. Value typing follows ./values.ts.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { PassThrough, pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { parse } from "csv-parse";
import { RtmlError } from "../errors.ts";
import type { FieldValue } from "../messages.ts";
import type { DatasetRecord, DatasetSchema } from "./schema.ts";
import { cellToFieldValue, jsonToFieldValue, normalizeLabel, parseEventTime, sequenceTime } from "./values.ts";

export type DatasetFormat = "csv" | "jsonl";

export interface ReadOptions {
  /** Stop after this many records (over all files). */
  limit?: number;
  /** Stops reading (the iteration ends quietly). */
  signal?: AbortSignal;
  /** Force a format instead of guessing it from the file name. */
  format?: DatasetFormat;
}

/** The format and compression of a dataset file, from its name. */
export function formatOf(path: string): { format: DatasetFormat; gzip: boolean } {
  const lower = path.toLowerCase();
  const gzip = lower.endsWith(".gz");
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith(".csv")) return { format: "csv", gzip };
  if (base.endsWith(".jsonl") || base.endsWith(".ndjson")) return { format: "jsonl", gzip };
  throw new RtmlError("INVALID_ARGUMENT", `unknown dataset format for ${path}: use .csv, .jsonl or .ndjson (optionally .gz)`);
}

/**
 * Streams the records of one or more files (concatenated, indices continuing) as described by `schema`.
 *
 * @throws RtmlError NOT_FOUND when a file is missing, INVALID_ARGUMENT for a header that lacks a needed
 * column, a row with the wrong number of cells or a line that is not JSON (with file and line).
 * @example
 * const bananas = resolveDataset("bananas"); // from ./resolve.ts
 * if (bananas.kind !== "files") throw new Error("bundled file dataset expected");
 * let n = 0;
 * for await (const r of readDataset(bananas.files, bananas.schema, { limit: 3 })) n += r.fields.x1 ? 1 : 0;
 * console.assert(n === 3);
 */
export async function* readDataset(
  path: string | string[],
  schema: DatasetSchema,
  options: ReadOptions = {},
): AsyncGenerator<DatasetRecord> {
  const files = Array.isArray(path) ? path : [path];
  const limit = options.limit ?? Infinity;
  const seq = sequenceTime(schema);
  let index = 0;
  for (const file of files) {
    if (index >= limit || options.signal?.aborted) return;
    const { format, gzip } = options.format ? { format: options.format, gzip: file.toLowerCase().endsWith(".gz") } : formatOf(file);
    const rows = format === "csv" ? csvRows(file, gzip, schema) : jsonlRows(file, gzip);
    for await (const row of rows) {
      if (index >= limit || options.signal?.aborted) {
        await rows.return(undefined);
        return;
      }
      yield toRecord(row, schema, index, seq);
      index++;
    }
  }
}

/** A row as column name → raw value (text for CSV, any JSON value for JSONL). */
type RawRow = { kind: "csv"; get(column: string): string | undefined } | { kind: "json"; obj: Record<string, unknown> };

function toRecord(row: RawRow, schema: DatasetSchema, index: number, seq: ReturnType<typeof sequenceTime>): DatasetRecord {
  const raw = (column: string): unknown => (row.kind === "csv" ? row.get(column) : row.obj[column]);
  const fields: Record<string, FieldValue> = {};
  for (const spec of schema.fields) {
    const v = raw(spec.name);
    const fv = row.kind === "csv" ? (v === undefined ? undefined : cellToFieldValue(v as string, spec.type)) : jsonToFieldValue(v, spec.type);
    if (fv !== undefined) fields[spec.name] = fv;
  }
  const entityRaw = schema.entityField === undefined ? undefined : raw(schema.entityField);
  const entityId =
    schema.entityField === undefined ? (schema.entityDefault ?? schema.name) : entityRaw === null || entityRaw === undefined ? "" : String(entityRaw).trim();
  const eventTimeMs = seq
    ? seq.startMs + index * seq.stepMs
    : parseEventTime(raw((schema.eventTime as { field: string }).field), (schema.eventTime as { unit: "ms" | "s" | "iso" }).unit);
  const record: DatasetRecord = { fields, entityId, eventTimeMs, label: normalizeLabel(raw(schema.label.field), schema.label), index };
  if (schema.idField !== undefined) {
    const id = raw(schema.idField);
    if (id !== null && id !== undefined && String(id).trim() !== "") record.eventId = String(id).trim();
  }
  return record;
}

function openFile(file: string, gzip: boolean, last: NodeJS.ReadWriteStream): Readable {
  const source = createReadStream(file);
  const streams: NodeJS.ReadableStream[] = gzip ? [source, createGunzip()] : [source];
  // pipeline destroys every stream when one fails or when the consumer stops early.
  return pipeline([...streams, last] as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream], () => {}) as unknown as Readable;
}

function wrapError(err: unknown, file: string): RtmlError {
  if (err instanceof RtmlError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ENOENT") return new RtmlError("NOT_FOUND", `dataset file not found: ${file}`, { cause: err });
  return new RtmlError("INVALID_ARGUMENT", `cannot read ${file}: ${e.message}`, { cause: err });
}

async function* csvRows(file: string, gzip: boolean, schema: DatasetSchema): AsyncGenerator<RawRow> {
  const parser = parse({ bom: true, skip_empty_lines: true, relax_quotes: false });
  const stream = openFile(file, gzip, parser);
  let columns: Map<string, number> | undefined;
  let cells: string[] = [];
  const row: RawRow = { kind: "csv", get: (c) => { const i = columns!.get(c); return i === undefined ? undefined : cells[i]; } };
  try {
    for await (const record of stream as AsyncIterable<string[]>) {
      if (!columns) {
        columns = new Map(record.map((name, i) => [name.trim(), i]));
        checkHeader(columns, schema, file);
        continue;
      }
      if (record.length !== columns.size) {
        throw new RtmlError("INVALID_ARGUMENT", `${file} line ${parser.info.lines}: ${record.length} cells, header has ${columns.size}`);
      }
      cells = record;
      yield row;
    }
  } catch (err) {
    throw wrapError(err, file);
  } finally {
    stream.destroy();
  }
}

function checkHeader(columns: Map<string, number>, schema: DatasetSchema, file: string): void {
  const needed = [
    ...(schema.entityField ? [schema.entityField] : []),
    ...(schema.idField ? [schema.idField] : []),
    ...("field" in schema.eventTime ? [schema.eventTime.field] : []),
    ...schema.fields.filter((f) => f.required).map((f) => f.name),
  ];
  const missing = needed.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new RtmlError("INVALID_ARGUMENT", `${file}: header lacks column(s) ${missing.join(", ")} needed by schema ${schema.name}`, {
      details: { missing, header: [...columns.keys()] },
    });
  }
}

async function* jsonlRows(file: string, gzip: boolean): AsyncGenerator<RawRow> {
  const stream = openFile(file, gzip, new PassThrough());
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === "") continue;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (cause) {
        throw new RtmlError("INVALID_ARGUMENT", `${file} line ${lineNo}: not JSON: ${(cause as Error).message}`, { cause });
      }
      if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
        throw new RtmlError("INVALID_ARGUMENT", `${file} line ${lineNo}: a record must be a JSON object`);
      }
      yield { kind: "json", obj: obj as Record<string, unknown> };
    }
  } catch (err) {
    throw wrapError(err, file);
  } finally {
    lines.close();
    stream.destroy();
  }
}
