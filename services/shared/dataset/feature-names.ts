/**
 * The model's input names for a dataset schema, in the order the feature service emits them: the
 * numeric and boolean fields, the calendar features, then each windowed aggregate
 * `[<by>_]<field>_<op>_<window>[_delay<delay>]` in spec order, then `secs_since_prev`. infer uses it for
 * the Open Inference Protocol's tensor layout (column order); services/feature/grpc.test.ts checks it
 * against the feature service's own list.
 *
 * @example
 * const names = featureNamesOf({ name: "t", version: "1", eventTime: { field: "ts", unit: "ms" }, label: { field: "y", positive: "1" },
 *   fields: [{ name: "x", type: "number" }], features: { timeSinceLast: false } });
 * console.assert(names.join() === "x");
 */
import type { AggregateSpec, DatasetSchema } from "./schema.ts";

/** The name of one aggregate output, e.g. `TX_AMOUNT_mean_7d` or `TERMINAL_ID_label_mean_7d_delay7d`. */
export function aggregateFeatureName(a: Pick<AggregateSpec, "field" | "by" | "delay">, window: string, op: string): string {
  return `${a.by === undefined ? "" : `${a.by}_`}${a.field}_${op}_${window}${a.delay === undefined ? "" : `_delay${a.delay}`}`;
}

export function featureNamesOf(schema: DatasetSchema): string[] {
  const spec = schema.features ?? {};
  const numeric = schema.fields
    .filter((f) => (f.type === "number" || f.type === "integer" || f.type === "boolean") && f.feature !== false)
    .map((f) => f.name);
  const windows = (spec.aggregates ?? []).flatMap((a) => a.windows.flatMap((w) => a.ops.map((op) => aggregateFeatureName(a, w, op))));
  return [...numeric, ...(spec.calendar ?? []), ...windows, ...((spec.timeSinceLast ?? true) ? ["secs_since_prev"] : [])];
}
