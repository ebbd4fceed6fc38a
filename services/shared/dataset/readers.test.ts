import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { isRtmlError } from "../errors.ts";
import { formatOf, readDataset } from "./readers.ts";
import { DATA_DIR, resolveDataset } from "./resolve.ts";
import type { DatasetRecord, DatasetSchema } from "./schema.ts";
import { loadSchema } from "./schema-loader.ts";
import { testSchema } from "./test-schemas.ts";
import { normalizeLabel, parseDecimal, parseEventTime } from "./values.ts";

async function collect(it: AsyncIterable<DatasetRecord>): Promise<{ n: number; pos: number; first?: DatasetRecord; last?: DatasetRecord }> {
  let n = 0, pos = 0;
  let first: DatasetRecord | undefined, last: DatasetRecord | undefined;
  for await (const r of it) {
    n++;
    if (r.label === "true") pos++;
    first ??= r;
    last = r;
  }
  return { n, pos, first, last };
}

const tmp = mkdtempSync(join(tmpdir(), "rtml-readers-"));
const tiny = testSchema({
  name: "tiny",
  entityField: "id",
  label: { field: "y", positive: "yes" },
  fields: [
    { name: "x", type: "number", required: true },
    { name: "k", type: "integer" },
    { name: "b", type: "boolean" },
    { name: "c", type: "category" },
  ],
});

describe("bundled datasets (real files)", () => {
  const cases: [string, number, number][] = [
    ["elec2", 45_312, 19_237],
    ["phishing", 1_250, 548],
    ["bananas", 5_300, 2_376],
  ];
  for (const [name, rows, positives] of cases) {
    it(`${name}: ${rows} rows, ${positives} positive`, async () => {
      const d = resolveDataset(name);
      assert.equal(d.kind, "files");
      if (d.kind !== "files") return;
      const { n, pos, first } = await collect(readDataset(d.files, d.schema));
      assert.equal(n, rows);
      assert.equal(pos, positives);
      for (const f of d.schema.fields) assert.equal(typeof first!.fields[f.name]?.number, "number", f.name);
    });
  }

  it("elec2: every column a float (CRLF, exponent notation), sequence time from 1996-05-07 every 30 min", async () => {
    const { schema, files } = resolveDataset("elec2") as { schema: DatasetSchema; files: string[] };
    let exp = 0;
    let prev: DatasetRecord | undefined;
    for await (const r of readDataset(files, schema)) {
      for (const f of schema.fields) assert.ok(Number.isFinite(r.fields[f.name].number), `${r.index} ${f.name}`);
      if (r.fields.date.number! > 0 && r.fields.date.number! < 1e-4) exp++;
      if (prev) assert.equal(r.eventTimeMs - prev.eventTimeMs, 1_800_000);
      assert.equal(r.entityId, "nsw");
      prev = r;
    }
    assert.ok(exp > 0, "rows written as 4.40E-05 parse as numbers");
    assert.equal(schema.fields.length, 8);
  });

  it("fraud-handbook: three weeks with the README's row and fraud counts; window columns are not fields", async () => {
    const d = resolveDataset("fraud-handbook");
    assert.equal(d.kind, "files");
    if (d.kind !== "files") return;
    const expected = [[67_240, 598], [66_975, 626], [67_080, 568]];
    for (let i = 0; i < 3; i++) {
      const { n, pos, first } = await collect(readDataset(d.files[i], d.schema));
      assert.deepEqual([n, pos], expected[i]);
      assert.deepEqual(Object.keys(first!.fields).sort(), ["TERMINAL_ID", "TX_AMOUNT", "TX_TIME_DAYS", "TX_TIME_SECONDS"]);
      assert.ok(first!.eventId && first!.entityId);
    }
    const r = (await collect(readDataset(d.files[0], d.schema, { limit: 1 }))).first!;
    assert.equal(r.eventId, "1102483");
    assert.equal(r.entityId, "1111");
    assert.equal(r.eventTimeMs, Date.parse("2018-07-25T00:00:29Z"));
    assert.deepEqual(r.fields.TERMINAL_ID, { text: "2328" });
    assert.deepEqual(r.fields.TX_AMOUNT, { number: 40.77 });
    assert.ok(d.schema.fields.find((f) => f.name === "TERMINAL_ID")?.feature === false);
    assert.ok(d.schema.ignore?.includes("TERMINAL_ID_RISK_7DAY_WINDOW"));
    assert.ok(d.schema.ignore?.includes("TX_FRAUD_SCENARIO"));
  });
});

describe("readDataset on written files", () => {
  const csv = "id,ts,x,k,b,c,y,extra\r\na,1000,1.5,2,true,red,yes,zz\r\nb,2000,abc,2.5,maybe,blue,no,zz\r\nc,3000,,,,,,\r\nd,4000,NaN,-Infinity,0,,yes,\r\n";

  it("keeps raw types: text stays text, empty is missing, NaN and Infinity are non-finite numbers", async () => {
    writeFileSync(join(tmp, "t.csv"), csv);
    const rows: DatasetRecord[] = [];
    for await (const r of readDataset(join(tmp, "t.csv"), tiny)) rows.push(r);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[0].fields, { x: { number: 1.5 }, k: { number: 2 }, b: { flag: true }, c: { text: "red" } });
    assert.deepEqual(rows[1].fields, { x: { text: "abc" }, k: { number: 2.5 }, b: { text: "maybe" }, c: { text: "blue" } });
    assert.deepEqual(rows[2].fields, {});
    assert.equal(rows[2].label, undefined);
    assert.ok(Number.isNaN(rows[3].fields.x.number));
    assert.equal(rows[3].fields.k.number, -Infinity);
    assert.deepEqual(rows[3].fields.b, { flag: false });
    assert.deepEqual(rows.map((r) => [r.entityId, r.eventTimeMs, r.label, r.index]), [
      ["a", 1000, "true", 0], ["b", 2000, "false", 1], ["c", 3000, undefined, 2], ["d", 4000, "true", 3],
    ]);
    assert.ok(!("extra" in rows[0].fields), "undeclared columns are dropped");
  });

  it("reads .csv.gz, .jsonl and .jsonl.gz the same way, across several files with continuing indices", async () => {
    writeFileSync(join(tmp, "t.csv.gz"), gzipSync(csv));
    const jsonl = ['{"id":"a","ts":1000,"x":1.5,"k":2,"b":true,"c":"red","y":"yes"}', "", '{"id":7,"ts":2000,"x":"3.5","c":5,"y":null}'].join("\n");
    writeFileSync(join(tmp, "t.jsonl"), jsonl);
    writeFileSync(join(tmp, "t.jsonl.gz"), gzipSync(jsonl));
    assert.equal((await collect(readDataset(join(tmp, "t.csv.gz"), tiny))).n, 4);
    const rows: DatasetRecord[] = [];
    for await (const r of readDataset([join(tmp, "t.jsonl"), join(tmp, "t.jsonl.gz")], tiny)) rows.push(r);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[0].fields, { x: { number: 1.5 }, k: { number: 2 }, b: { flag: true }, c: { text: "red" } });
    assert.deepEqual(rows[1].fields, { x: { text: "3.5" }, c: { text: "5" } });
    assert.equal(rows[1].entityId, "7");
    assert.equal(rows[1].label, undefined);
    assert.deepEqual(rows.map((r) => r.index), [0, 1, 2, 3]);
  });

  it("limit and abort stop early", async () => {
    const { files, schema } = resolveDataset("elec2") as { files: string[]; schema: DatasetSchema };
    assert.equal((await collect(readDataset(files, schema, { limit: 10 }))).n, 10);
    const ac = new AbortController();
    let n = 0;
    for await (const _ of readDataset(files, schema, { signal: ac.signal })) if (++n === 5) ac.abort();
    assert.equal(n, 5);
    let m = 0;
    for await (const _ of readDataset(files, schema, { signal: ac.signal })) m++;
    assert.equal(m, 0);
  });

  it("fails clearly: missing file, missing header column, ragged row, bad JSON, unknown format", async () => {
    const expectError = async (path: string, code: string, pattern: RegExp, schema = tiny) => {
      await assert.rejects(collect(readDataset(path, schema)), (err: unknown) => isRtmlError(err) && err.code === code && pattern.test(err.message));
    };
    await expectError(join(tmp, "nope.csv"), "NOT_FOUND", /not found/);
    writeFileSync(join(tmp, "nohdr.csv"), "id,x\na,1\n");
    await expectError(join(tmp, "nohdr.csv"), "INVALID_ARGUMENT", /lacks column\(s\) ts/);
    writeFileSync(join(tmp, "ragged.csv"), "id,ts,x\na,1,2\nb,2\n");
    await expectError(join(tmp, "ragged.csv"), "INVALID_ARGUMENT", /ragged\.csv/);
    writeFileSync(join(tmp, "bad.jsonl"), '{"id":"a","ts":1,"x":1}\n{oops\n');
    await expectError(join(tmp, "bad.jsonl"), "INVALID_ARGUMENT", /line 2: not JSON/);
    assert.throws(() => formatOf("x.parquet"), /unknown dataset format/);
  });
});

describe("values and resolveDataset", () => {
  it("parses decimals strictly and event times as UTC", () => {
    assert.equal(parseDecimal("4.40E-05"), 4.4e-5);
    assert.equal(parseDecimal(" -.5 "), -0.5);
    assert.equal(parseDecimal("0x10"), undefined);
    assert.equal(parseDecimal("3 apples"), undefined);
    assert.equal(parseEventTime("2018-07-25 00:00:29", "iso"), Date.UTC(2018, 6, 25, 0, 0, 29));
    assert.equal(parseEventTime("2018-07-25T02:00:00+02:00", "iso"), Date.UTC(2018, 6, 25, 0, 0, 0));
    assert.equal(parseEventTime("12.5", "s"), 12_500);
    assert.ok(Number.isNaN(parseEventTime("soon", "ms")));
  });

  it("normalizes labels: map, numeric positive, multi-class", () => {
    const elec = loadSchema("elec2").label;
    assert.equal(normalizeLabel("1", elec), "true");
    assert.equal(normalizeLabel("UP", elec), "true");
    assert.equal(normalizeLabel("0", elec), "false");
    assert.equal(normalizeLabel("1.0", { field: "y", positive: "1" }), "true");
    assert.equal(normalizeLabel("b", { field: "y", positive: "a", classes: ["a", "b", "c"] }), "b");
    assert.equal(normalizeLabel("  ", { field: "y", positive: "1" }), undefined);
  });

  it("resolves names, aliases, the simulator and paths", () => {
    assert.equal(resolveDataset("fraud").kind, "simulator");
    assert.equal(resolveDataset("fraud").schema.name, "fraud-sim");
    assert.equal(resolveDataset("electricity").name, "elec2");
    const byPath = resolveDataset(join(DATA_DIR, "phishing.csv.gz"));
    assert.equal(byPath.schema.name, "phishing");
    writeFileSync(join(tmp, "mine.csv"), "id,ts,x,y\n");
    assert.throws(() => resolveDataset(join(tmp, "mine.csv")), (e: unknown) => isRtmlError(e, "INVALID_ARGUMENT"));
    assert.equal(resolveDataset(join(tmp, "mine.csv"), { schema: "bananas" }).schema.name, "bananas");
    assert.throws(() => resolveDataset("kdd"), (e: unknown) => isRtmlError(e, "NOT_FOUND"));
  });
});
