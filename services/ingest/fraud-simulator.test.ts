import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createHash } from "node:crypto";
import { loadSchema } from "../shared/dataset/schema-loader.ts";
import { createFraudSimulator, type FraudSimRecord } from "./fraud-simulator.ts";
import { createRandom } from "./prng.ts";

const digest = (records: Iterable<FraudSimRecord>) => {
  const h = createHash("sha256");
  for (const r of records) h.update(JSON.stringify(r));
  return h.digest("hex");
};

interface Regime {
  n: number;
  frauds: number;
  byScenario: number[];
  fraudAmounts: number[];
  nightFrauds: number;
}

function summarize(records: Iterable<FraudSimRecord>, k: number): [Regime, Regime] {
  const make = (): Regime => ({ n: 0, frauds: 0, byScenario: [0, 0, 0, 0, 0], fraudAmounts: [], nightFrauds: 0 });
  const out: [Regime, Regime] = [make(), make()];
  for (const r of records) {
    const s = out[r.index < k ? 0 : 1];
    s.n++;
    s.byScenario[r.scenario]++;
    if (r.label === "true") {
      s.frauds++;
      s.fraudAmounts.push(r.fields.TX_AMOUNT.number!);
      if (new Date(r.eventTimeMs).getUTCHours() < 6) s.nightFrauds++;
    }
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe("fraud simulator", () => {
  const opts = { seed: 7, customers: 2000, terminals: 4000, events: 60_000 };

  it("is deterministic: same seed, same stream; another seed, another stream", () => {
    assert.equal(digest(createFraudSimulator(opts)), digest(createFraudSimulator(opts)));
    assert.notEqual(digest(createFraudSimulator(opts)), digest(createFraudSimulator({ ...opts, seed: 8 })));
    const a = createRandom(1), b = createRandom(1);
    for (let i = 0; i < 100; i++) assert.equal(a.next(), b.next());
  });

  it("yields readDataset-shaped records in time order, matching the fraud-sim schema", () => {
    const schema = loadSchema("fraud");
    const records = [...createFraudSimulator({ ...opts, events: 5000 })];
    assert.equal(records.length, 5000);
    let prev = -Infinity;
    for (const [i, r] of records.entries()) {
      assert.equal(r.index, i);
      assert.ok(r.eventTimeMs >= prev);
      prev = r.eventTimeMs;
      assert.deepEqual(Object.keys(r.fields).sort(), schema.fields.map((f) => f.name).sort());
      assert.ok(r.label === "true" || r.label === "false");
      assert.ok(r.fields.TX_AMOUNT.number! >= 0);
      assert.equal(r.eventId, `fraud-sim-7-${i}`);
    }
    assert.equal(records[0].eventTimeMs >= Date.parse("2018-04-01T00:00:00Z"), true);
  });

  it("changes the fraud pattern at event K: large amounts and ×5 before, night bursts of small amounts after", () => {
    const k = 30_000;
    const [before, after] = summarize(createFraudSimulator({ ...opts, driftAt: k }), k);
    assert.equal(before.n, k);
    assert.equal(after.n, 30_000);
    // Before K: the handbook's scenarios only.
    assert.equal(before.byScenario[4], 0);
    assert.ok(before.byScenario[1] > 0 && before.byScenario[3] > 0);
    // After K: scenarios 1 and 3 stop, card-testing bursts start.
    assert.equal(after.byScenario[1], 0);
    assert.equal(after.byScenario[3], 0);
    assert.ok(after.byScenario[4] > 100);
    // The pattern moves: fraud amounts drop, fraud moves to the night, the fraud rate rises.
    assert.ok(median(before.fraudAmounts) > 50, `median before ${median(before.fraudAmounts)}`);
    assert.ok(median(after.fraudAmounts) < 15, `median after ${median(after.fraudAmounts)}`);
    assert.ok(after.nightFrauds / after.frauds > 0.5);
    assert.ok(before.nightFrauds / before.frauds < 0.3);
    assert.ok(after.frauds / after.n > 2 * (before.frauds / before.n));
  });

  it("drifts at mid-stream by default and never without drift", () => {
    const [, after] = summarize(createFraudSimulator(opts), 30_000);
    assert.ok(after.byScenario[4] > 0);
    const [b2, a2] = summarize(createFraudSimulator({ ...opts, driftAt: null }), 30_000);
    assert.equal(b2.byScenario[4] + a2.byScenario[4], 0);
    assert.ok(a2.byScenario[1] > 0);
  });

  it("refuses bad options with every problem", () => {
    assert.throws(() => createFraudSimulator({ customers: 0, events: -1, startDate: "soon" }), /customers.*events.*startDate/);
  });
});
