import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { RtmlError } from "../errors.ts";
import { bundledSchemaNames, loadSchema, parseSchema, schemaProblems } from "./schema-loader.ts";

const tmp = mkdtempSync(join(tmpdir(), "rtml-schema-"));

describe("loadSchema", () => {
  it("loads every bundled schema", () => {
    assert.deepEqual(bundledSchemaNames(), ["bananas", "elec2", "fraud-handbook", "fraud-sim", "phishing"]);
    for (const name of bundledSchemaNames()) assert.equal(loadSchema(name).name, name);
    assert.equal(loadSchema("fraud").name, "fraud-sim");
  });

  it("elec2 is River's 8-feature variant with label class, positive UP and a sequence time", () => {
    const s = loadSchema("elec2");
    assert.deepEqual(s.fields.map((f) => f.name), ["date", "day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"]);
    assert.ok(s.fields.every((f) => f.type === "number"));
    assert.equal(s.label.positive, "UP");
    assert.deepEqual(s.eventTime, { sequence: { start: "1996-05-07T00:00:00Z", stepMs: 1_800_000 } });
  });

  it("loads a schema by path; unknown names and missing files are NOT_FOUND", () => {
    const file = join(tmp, "ok.json");
    writeFileSync(file, JSON.stringify(loadSchema("bananas")));
    assert.equal(loadSchema(file).name, "bananas");
    assert.throws(() => loadSchema("nope"), (e: unknown) => e instanceof RtmlError && e.code === "NOT_FOUND" && /bundled: bananas/.test(e.message));
    assert.throws(() => loadSchema(join(tmp, "missing.json")), (e: unknown) => e instanceof RtmlError && e.code === "NOT_FOUND");
  });

  it("bad JSON is INVALID_ARGUMENT", () => {
    const file = join(tmp, "bad.json");
    writeFileSync(file, "{ name: ");
    assert.throws(() => loadSchema(file), (e: unknown) => e instanceof RtmlError && e.code === "INVALID_ARGUMENT" && /not valid JSON/.test(e.message));
  });

  it("lists every problem of an invalid schema at once", () => {
    const bad = {
      name: "",
      version: "1",
      eventTime: { field: "ts", unit: "minutes" },
      label: { field: "y" },
      colour: "blue",
      ignore: ["x"],
      fields: [
        { name: "x", type: "float" },
        { name: "n", type: "number", min: 5, max: 1, impute: "mode" },
        { name: "n", type: "string", values: ["a"] },
        { name: "c", type: "category", values: ["a", "b"], impute: "constant", imputeValue: "z" },
        { name: "i", type: "integer", impute: "constant", imputeValue: 1.5, requird: true },
        { name: "ts", type: "number" },
      ],
    };
    const file = join(tmp, "invalid.json");
    writeFileSync(file, JSON.stringify(bad));
    let caught: RtmlError | undefined;
    try {
      loadSchema(file);
    } catch (e) {
      caught = e as RtmlError;
    }
    assert.ok(caught instanceof RtmlError);
    assert.equal(caught.code, "INVALID_ARGUMENT");
    const problems = caught.details.problems as string[];
    const expect = [
      /unknown key "colour"/,
      /"name" must be a non-empty string/,
      /entityField.*entityDefault/,
      /"eventTime.unit"/,
      /"label.positive"/,
      /field "x": "type" must be one of/,
      /field "n": "min" is above "max"/,
      /field "n": "mode" imputation is for discrete fields/,
      /field "n": duplicate field name/,
      /"values" is only for category fields/,
      /field "c": "imputeValue" "z" is not one of "values"/,
      /field "i": unknown key "requird"/,
      /field "i": "imputeValue" 1.5 does not fit type integer/,
      /column "ts" is both a field/,
      /column "x" is ignored but also used/,
    ];
    for (const re of expect) assert.ok(problems.some((p) => re.test(p)), `missing problem ${re}: ${problems.join(" | ")}`);
    for (const p of problems) assert.ok(caught.message.includes(p));
  });

  it("parseSchema accepts a minimal schema and schemaProblems rejects non-objects", () => {
    const s = parseSchema({ name: "m", version: "1", entityDefault: "e", eventTime: { field: "t", unit: "ms" }, label: { field: "y", positive: "1" }, fields: [{ name: "x", type: "number" }] });
    assert.equal(s.name, "m");
    assert.deepEqual(schemaProblems([]), ["a schema must be a JSON object"]);
    assert.ok(schemaProblems({ name: "m", version: "1", entityDefault: "e", eventTime: { sequence: { start: "nope", stepMs: 0 } }, label: { field: "y", positive: "1" }, fields: [] }).length >= 3);
  });
});
