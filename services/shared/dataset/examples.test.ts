// Runs the @example blocks of this folder's exports (kept in step with the TSDoc by hand).
import assert from "node:assert/strict";
import { it } from "node:test";
import { readDataset } from "./readers.ts";
import { resolveDataset } from "./resolve.ts";
import { loadSchema } from "./schema-loader.ts";
import { normalizeLabel, parseDecimal } from "./values.ts";

it("loadSchema example", () => {
  const schema = loadSchema("elec2");
  assert.ok(schema.label.field === "class" && schema.fields.length === 8);
});

it("parseDecimal and normalizeLabel examples", () => {
  assert.ok(parseDecimal("4.40E-05") === 4.4e-5 && parseDecimal("3 apples") === undefined);
  const spec = { field: "class", positive: "UP", map: { "1": "UP", "0": "DOWN" } };
  assert.ok(normalizeLabel("1", spec) === "true" && normalizeLabel("0", spec) === "false");
});

it("resolveDataset and readDataset examples", async () => {
  const d = resolveDataset("fraud-handbook");
  assert.ok(d.kind === "files" && d.files.length === 3 && d.schema.entityField === "CUSTOMER_ID");
  const bananas = resolveDataset("bananas");
  if (bananas.kind !== "files") throw new Error("bundled file dataset expected");
  let n = 0;
  for await (const r of readDataset(bananas.files, bananas.schema, { limit: 3 })) n += r.fields.x1 ? 1 : 0;
  assert.ok(n === 3);
});
