/**
 * Maps a dataset name or a file path to what a replay needs: the file(s) and the schema, or, for `fraud`,
 * the fact that the stream comes from the simulator (which lives in services/ingest and is composed there).
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { RtmlError } from "../errors.ts";
import type { DatasetSchema } from "./schema.ts";
import { loadSchema } from "./schema-loader.ts";

/** Folder of the bundled data files (see its README.md for provenance). */
export const DATA_DIR = fileURLToPath(new URL("./data/", import.meta.url));

/** Bundled file datasets: name → files (in stream order) and schema name. */
const BUNDLED: Record<string, { files: string[]; schema: string }> = {
  elec2: { files: ["elec2_electricity.csv.gz"], schema: "elec2" },
  phishing: { files: ["phishing.csv.gz"], schema: "phishing" },
  bananas: { files: ["bananas.csv"], schema: "bananas" },
  "fraud-handbook": {
    files: [
      "fraudsim_2018-07-25_to_2018-07-31_train.csv.gz",
      "fraudsim_2018-08-01_to_2018-08-07_delay.csv.gz",
      "fraudsim_2018-08-08_to_2018-08-14_test.csv.gz",
    ],
    schema: "fraud-handbook",
  },
};

/** Names accepted for bundled file datasets besides their own. */
const ALIASES: Record<string, string> = { electricity: "elec2", banana: "bananas", "fraud-detection-handbook": "fraud-handbook" };

/** The dataset names `resolveDataset` knows, with `fraud` (the simulator). */
export const DATASET_NAMES: readonly string[] = [...Object.keys(BUNDLED), "fraud"];

export type ResolvedDataset =
  | { kind: "files"; name: string; schema: DatasetSchema; files: string[] }
  | { kind: "simulator"; name: "fraud"; schema: DatasetSchema };

export interface ResolveOptions {
  /** Schema name or path; needed for a file that is not a bundled dataset file. */
  schema?: string;
}

/**
 * Resolves `elec2 | phishing | bananas | fraud-handbook | fraud` or a file path. A path whose file name is
 * one of the bundled files (e.g. the shared copy of `elec2_electricity.csv.gz`) gets that file's schema;
 * any other path needs `options.schema`.
 *
 * @throws RtmlError NOT_FOUND for an unknown name or missing file, INVALID_ARGUMENT for a path without
 * a schema.
 * @example
 * const d = resolveDataset("fraud-handbook");
 * console.assert(d.kind === "files" && d.files.length === 3 && d.schema.entityField === "CUSTOMER_ID");
 */
export function resolveDataset(nameOrPath: string, options: ResolveOptions = {}): ResolvedDataset {
  const schemaOverride = options.schema === undefined ? undefined : loadSchema(options.schema);
  if (nameOrPath === "fraud") {
    return { kind: "simulator", name: "fraud", schema: schemaOverride ?? loadSchema("fraud-sim") };
  }
  const name = ALIASES[nameOrPath] ?? nameOrPath;
  const bundled = BUNDLED[name];
  if (bundled) {
    return { kind: "files", name, schema: schemaOverride ?? loadSchema(bundled.schema), files: bundled.files.map((f) => DATA_DIR + f) };
  }
  const looksLikePath = nameOrPath.includes("/") || nameOrPath.includes("\\") || nameOrPath.includes(".");
  if (!looksLikePath) {
    throw new RtmlError("NOT_FOUND", `unknown dataset "${nameOrPath}" (known: ${DATASET_NAMES.join(", ")}, or a file path)`);
  }
  if (!existsSync(nameOrPath)) throw new RtmlError("NOT_FOUND", `dataset file not found: ${nameOrPath}`);
  const file = basename(nameOrPath);
  const known = Object.entries(BUNDLED).find(([, b]) => b.files.includes(file));
  const schema = schemaOverride ?? (known ? loadSchema(known[1].schema) : undefined);
  if (!schema) {
    throw new RtmlError("INVALID_ARGUMENT", `no schema for ${nameOrPath}: give one (a bundled schema name or a schema .json path)`);
  }
  return { kind: "files", name: known && !schemaOverride ? known[0] : schema.name, schema, files: [nameOrPath] };
}
