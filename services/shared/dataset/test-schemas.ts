/**
 * Dataset schemas for tests. The envelope (version, entity key, time and label columns) rarely matters to
 * a test, so it has defaults here and a test's schema states only the fields and features it exercises.
 */
import type { DatasetSchema, FeatureSpec } from "./schema.ts";

/** A schema of version "1", entity column `card`, epoch ms in `ts`, label `y` positive "1"; `over` replaces any of it. */
export function testSchema({ name, ...over }: Pick<DatasetSchema, "name" | "fields"> & Partial<DatasetSchema>): DatasetSchema {
  return { name, version: "1", entityField: "card", eventTime: { field: "ts", unit: "ms" }, label: { field: "y", positive: "1" }, ...over };
}

/**
 * Dataset "k": card payments of an `amount` at a `terminal` (a grouping key, not a feature), with
 * `features` and no standardizing or time since last event, so feature values can be checked by hand.
 */
export function terminalSchema(features: Omit<FeatureSpec, "standardize" | "timeSinceLast">): DatasetSchema {
  return testSchema({
    name: "k",
    fields: [
      { name: "amount", type: "number" },
      { name: "terminal", type: "string", feature: false },
    ],
    features: { standardize: false, timeSinceLast: false, ...features },
  });
}
