import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { featureNamesOf } from "../shared/dataset/feature-names.ts";
import { schemaProblems } from "../shared/dataset/schema-loader.ts";
import { terminalSchema } from "../shared/dataset/test-schemas.ts";
import { createTestContext } from "../shared/function/test-context.ts";
import { codecs, type Event, type FeatureVector } from "../shared/messages.ts";
import { Topics } from "../shared/topics.ts";
import { createFeatureService } from "./feature.ts";

const D = 86_400_000;
const T0 = Date.parse("2018-08-04T12:00:00Z"); // a Saturday, noon

const schema = terminalSchema({
  calendar: ["during_weekend", "during_night", "hour", "day_of_week"],
  aggregates: [
    { field: "amount", windows: ["1d"], ops: ["count"] },
    { field: "amount", by: "terminal", windows: ["1d"], ops: ["count"], delay: "2d" },
    { field: "label", by: "terminal", windows: ["1d", "3d"], ops: ["mean", "count"], delay: "2d" },
  ],
});

let n = 0;
function ev(card: string, terminal: string, t: number, amount = 10): Event {
  n++;
  return { eventId: `e${n}`, entityId: card, eventTimeMs: t, ingestTimeMs: 0, fields: { amount: { number: amount }, terminal: { text: terminal } }, dataset: "k", schemaVersion: "1", sequence: n };
}

describe("feature service: keyed, delayed and label-based aggregates", () => {
  it("the schema validates and the names follow featureNamesOf", () => {
    assert.deepEqual(schemaProblems(schema), []);
    const f = createFeatureService({ schema });
    assert.deepEqual(f.featureNames, featureNamesOf(schema));
    assert.deepEqual(f.featureNames, [
      "amount", "during_weekend", "during_night", "hour", "day_of_week", "amount_count_1d", "terminal_amount_count_1d_delay2d",
      "terminal_label_mean_1d_delay2d", "terminal_label_count_1d_delay2d", "terminal_label_mean_3d_delay2d", "terminal_label_count_3d_delay2d",
    ]);
    assert.equal(f.needsLabels, true);
    assert.ok(schemaProblems({ ...schema, features: { aggregates: [{ field: "label", by: "nope", windows: ["1d"], ops: ["mean"] }] } }).length > 0);
  });

  it("keys windows by another field, delays them, and fills labels in as they arrive", () => {
    const f = createFeatureService({ schema, emitRaw: true });
    const ctx = createTestContext();
    const run = (e: Event) => {
      void f.process(e, ctx);
      return ctx.take<FeatureVector>(Topics.features, codecs.featureVector)[0]!.raw;
    };
    const a = ev("c1", "T", T0);
    const b = ev("c2", "T", T0 + 0.5 * D);
    run(a);
    run(b);
    run(ev("c3", "U", T0 + D)); // another terminal
    void f.processLabel({ eventId: a.eventId, entityId: "c1", label: "true", eventTimeMs: a.eventTimeMs, labelTimeMs: T0 + D }, ctx);
    // At T0 + 2.6d the 1-day window delayed by 2 days is (T0 - 0.4d, T0 + 0.6d]: a and b, one label known.
    const x = run(ev("c4", "T", T0 + 2.6 * D));
    assert.equal(x.terminal_amount_count_1d_delay2d, 2);
    assert.equal(x.terminal_label_count_1d_delay2d, 1);
    assert.equal(x.terminal_label_mean_1d_delay2d, 1);
    void f.processLabel({ eventId: b.eventId, entityId: "c2", label: "false", eventTimeMs: b.eventTimeMs, labelTimeMs: T0 + 2.7 * D }, ctx);
    const y = run(ev("c5", "T", T0 + 2.8 * D));
    assert.equal(y.terminal_label_mean_1d_delay2d, 0.5);
    assert.equal(y.terminal_label_count_3d_delay2d, 2);
    assert.equal(y.amount_count_1d, 1, "plain windows stay per entity");
    assert.equal(run(ev("c6", "U", T0 + 3.5 * D)).terminal_amount_count_1d_delay2d, 1);
    // An empty window gives 0, and the current event never counts in a delayed window.
    assert.equal(run(ev("c7", "V", T0 + 3.6 * D)).terminal_amount_count_1d_delay2d, 0);
    assert.equal(f.processLabel({ eventId: "unknown", entityId: "x", label: "true", eventTimeMs: 0, labelTimeMs: 0 }, ctx), undefined);
  });

  it("computes calendar features in UTC (the handbook's weekend and night: hour <= 6)", () => {
    const f = createFeatureService({ schema, emitRaw: true });
    const ctx = createTestContext();
    void f.process(ev("c", "T", T0), ctx);
    const sat = ctx.take<FeatureVector>(Topics.features, codecs.featureVector)[0]!.raw;
    assert.deepEqual([sat.during_weekend, sat.during_night, sat.hour, sat.day_of_week], [1, 0, 12, 5]);
    void f.process(ev("c", "T", Date.parse("2018-08-06T06:59:59Z")), ctx);
    const mon = ctx.take<FeatureVector>(Topics.features, codecs.featureVector)[0]!.raw;
    assert.deepEqual([mon.during_weekend, mon.during_night, mon.hour, mon.day_of_week], [0, 1, 6, 0]);
  });

  it("compute() includes keyed aggregates only with state, and writes nothing", () => {
    const f = createFeatureService({ schema, emitRaw: true });
    const ctx = createTestContext();
    void f.process(ev("c1", "T", T0), ctx);
    const before = JSON.stringify([...ctx.store]);
    const e = ev("c2", "T", T0 + 2.5 * D);
    assert.equal(f.compute(e, undefined).raw.terminal_amount_count_1d_delay2d, undefined);
    assert.equal(f.compute(e, undefined, ctx.state).raw.terminal_amount_count_1d_delay2d, 1);
    assert.equal(JSON.stringify([...ctx.store]), before);
  });

  it("completeWindowsOnly: a window reaching before the first event is missing, then appears", () => {
    const f = createFeatureService({ schema: { ...schema, features: { ...schema.features, completeWindowsOnly: true } }, emitRaw: true });
    const ctx = createTestContext();
    const run = (e: Event) => {
      void f.process(e, ctx);
      return ctx.take<FeatureVector>(Topics.features, codecs.featureVector)[0]!.raw;
    };
    const first = run(ev("c1", "T", T0));
    assert.equal(first.amount_count_1d, undefined);
    assert.equal(first.terminal_amount_count_1d_delay2d, undefined);
    assert.equal(first.amount, 10);
    const d1 = run(ev("c1", "T", T0 + D));
    assert.equal(d1.amount_count_1d, 1, "(T0, T0 + 1d] is covered: the event at T0 is outside it");
    assert.equal(d1.terminal_amount_count_1d_delay2d, undefined);
    const d3 = run(ev("c2", "T", T0 + 3 * D));
    assert.equal(d3.terminal_amount_count_1d_delay2d, 1);
    assert.equal(d3.terminal_label_mean_3d_delay2d, undefined, "3d + 2d delay reaches before T0");
  });
});
