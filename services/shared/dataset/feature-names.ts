/**
 * The model's input names for a dataset schema, in the order the feature service emits them: the
 * numeric and boolean fields, then each windowed aggregate `<field>_<op>_<window>`, then
 * `secs_since_prev`. infer uses it for the Open Inference Protocol's tensor layout (column order);
 * services/feature/grpc.test.ts checks it against the feature service's own list.
 *
 * @example
 * const names = featureNamesOf({ name: "t", version: "1", eventTime: { field: "ts", unit: "ms" }, label: { field: "y", positive: "1" },
 *   fields: [{ name: "x", type: "number" }], features: { timeSinceLast: false } });
 * console.assert(names.join() === "x");
 */
import type { DatasetSchema } from "./schema.ts";

export function featureNamesOf(schema: DatasetSchema): string[] {
  const spec = schema.features ?? {};
  const numeric = schema.fields
    .filter((f) => (f.type === "number" || f.type === "integer" || f.type === "boolean") && f.feature !== false)
    .map((f) => f.name);
  const windows = (spec.aggregates ?? []).flatMap((a) => a.windows.flatMap((w) => a.ops.map((op) => `${a.field}_${op}_${w}`)));
  return [...numeric, ...windows, ...((spec.timeSinceLast ?? true) ? ["secs_since_prev"] : [])];
}
