/**
 * Opens a replay source by dataset name or path: bundled files through the shared readers, `fraud`
 * through the simulator. This is where the simulator and the readers meet, so the CLI needs one call.
 */
import { readDataset } from "../shared/dataset/readers.ts";
import { resolveDataset } from "../shared/dataset/resolve.ts";
import type { DatasetRecord, DatasetSchema } from "../shared/dataset/schema.ts";
import { createFraudSimulator, type FraudSimulatorOptions } from "./fraud-simulator.ts";

export interface OpenSourceOptions {
  /** Schema name or path, for a file that is not a bundled dataset file. */
  schema?: string;
  /** Stops file reading. */
  signal?: AbortSignal;
  /** Simulator options for `fraud` (seed, events, driftAt …). */
  simulator?: FraudSimulatorOptions;
}

export interface DatasetSource {
  name: string;
  schema: DatasetSchema;
  records: AsyncIterable<DatasetRecord> | Iterable<DatasetRecord>;
}

/**
 * Resolves `elec2 | phishing | bananas | fraud-handbook | fraud | <path>` to a schema and a record stream.
 *
 * @example
 * const src = openSource("fraud", { simulator: { events: 10, customers: 50, terminals: 100 } });
 * console.assert(src.schema.name === "fraud-sim");
 */
export function openSource(nameOrPath: string, options: OpenSourceOptions = {}): DatasetSource {
  const resolved = resolveDataset(nameOrPath, { schema: options.schema });
  if (resolved.kind === "simulator") {
    return { name: resolved.name, schema: resolved.schema, records: createFraudSimulator(options.simulator) };
  }
  return { name: resolved.name, schema: resolved.schema, records: readDataset(resolved.files, resolved.schema, { signal: options.signal }) };
}
