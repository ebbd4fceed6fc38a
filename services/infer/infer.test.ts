import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RtmlError } from "../shared/errors.ts";
import { createTestContext } from "../shared/function/test-context.ts";
import { codecs, nowMs, type FeatureVector, type ModelSnapshot, type Prediction } from "../shared/messages.ts";
import type { Classifier } from "../shared/ml/base.ts";
import { GaussianNB } from "../shared/ml/naive-bayes/gaussian-nb.ts";
import { encodeModelState, MODEL_FORMAT } from "../shared/model-snapshot.ts";
import { Topics } from "../shared/topics.ts";
import { createInferService } from "./infer.ts";

/** A GaussianNB that learned x < 0 → false, x > 0 → true (or the opposite when `flip`). */
function trained(flip = false): Classifier {
  const m = new GaussianNB();
  for (let i = 1; i <= 20; i++) {
    m.learnOne({ x: i }, !flip);
    m.learnOne({ x: -i }, flip);
  }
  return m;
}

function snapshot(version: number, model: Classifier = trained(), extra: Partial<ModelSnapshot> = {}): ModelSnapshot {
  return {
    modelName: "rtml", version, parentVersion: version - 1, createdMs: 1, nUpdates: 40, format: MODEL_FORMAT,
    state: encodeModelState(model), metrics: {}, reason: "periodic", lastEventId: "", ...extra,
  };
}

const fv = (x: number, extra: Partial<FeatureVector> = {}): FeatureVector => ({
  eventId: `e${x}`, entityId: "a", eventTimeMs: 1000, ingestTimeMs: 0, values: { x }, raw: {}, sequence: 3, ...extra,
});

describe("infer service", () => {
  it("answers with version 0, an empty label and score 0 before any model", async () => {
    const infer = createInferService();
    const ctx = createTestContext({ record: { properties: { "event-id": "e5" } } });
    await infer.onFeatures(fv(5, { ingestTimeMs: 0 }), ctx);
    const [p] = ctx.messages<Prediction>(Topics.predictions, codecs.prediction);
    assert.equal(p.modelVersion, 0);
    assert.equal(p.label, "");
    assert.equal(p.score, 0);
    assert.equal(p.eventId, "e5");
    assert.equal(p.sequence, 3);
    assert.equal(ctx.published[0].options?.key, "a");
    assert.deepEqual(ctx.published[0].options?.properties, { "event-id": "e5" });
    assert.equal(infer.stats().predictions, 1);
  });

  it("swaps to a newer snapshot and labels with it, carrying model name, version and latency", async () => {
    const infer = createInferService();
    const ctx = createTestContext();
    await infer.onModel(snapshot(1), ctx);
    assert.equal(infer.current().version, 1);
    const ingest = nowMs() - 50; // the clock infer measures latency with
    await infer.onFeatures(fv(5, { ingestTimeMs: ingest }), ctx);
    await infer.onFeatures(fv(-5), ctx);
    const [pos, neg] = ctx.messages<Prediction>(Topics.predictions, codecs.prediction);
    assert.equal(pos.modelVersion, 1);
    assert.equal(pos.modelName, "rtml");
    assert.equal(pos.label, "true");
    assert.ok(pos.score > 0.9);
    assert.equal(neg.label, "false");
    assert.ok(pos.latencyMs >= 50 && pos.predictTimeMs >= pos.ingestTimeMs + 50);
    assert.equal(neg.latencyMs, 0, "no ingest time, no latency");
    assert.equal(infer.stats().swaps, 1);
  });

  it("ignores older and equal versions", () => {
    const infer = createInferService();
    assert.equal(infer.load(snapshot(3)), true);
    assert.equal(infer.load(snapshot(3, trained(true))), false);
    assert.equal(infer.load(snapshot(2, trained(true))), false);
    assert.equal(infer.current().version, 3);
    assert.equal(infer.predict(fv(5)).label, "true");
    assert.equal(infer.load(snapshot(4, trained(true))), true);
    assert.equal(infer.predict(fv(5)).label, "false");
  });

  it("keeps serving when a snapshot is malformed, and surfaces the error", async () => {
    const infer = createInferService();
    infer.load(snapshot(1));
    const ctx = createTestContext();
    const bad = [
      snapshot(2, trained(), { format: "pickle" }),
      snapshot(3, trained(), { state: new TextEncoder().encode("{not json") }),
      snapshot(4, trained(), { state: new TextEncoder().encode(JSON.stringify({ kind: "NoSuchModel", params: {}, state: {} })) }),
    ];
    for (const s of bad) {
      assert.throws(() => infer.load(s), (e: unknown) => e instanceof RtmlError && e.code === "FAILED_PRECONDITION");
      await assert.rejects(async () => infer.onModel(s, ctx), (e: unknown) => e instanceof RtmlError && e.code === "FAILED_PRECONDITION");
    }
    assert.equal(infer.current().version, 1);
    assert.equal(infer.predict(fv(5)).modelVersion, 1);
    assert.equal(infer.stats().rejected, 6);
    assert.equal(infer.stats().swaps, 1);
    assert.equal(ctx.logs.filter((l) => l.level === "error").length, 3);
    assert.equal(ctx.metricsRegistry.snapshot().counters.infer_model_rejected, 3);
    // a good newer snapshot still gets in afterwards
    assert.equal(infer.load(snapshot(5)), true);
  });

  it("serves only its own model when a model name is configured", () => {
    const infer = createInferService({ modelName: "fraud" });
    assert.equal(infer.load(snapshot(9)), false, "model rtml is not ours");
    assert.equal(infer.load(snapshot(1, trained(), { modelName: "fraud" })), true);
    assert.equal(infer.predict(fv(1)).modelName, "fraud");
  });

  it("swaps atomically: a prediction sees one model even if a swap lands mid-call", () => {
    const infer = createInferService();
    infer.load(snapshot(1));
    const v1 = infer.current().model!;
    const original = v1.predictProbaOne.bind(v1);
    let swapped = false;
    // The swap happens while v1 is computing: the prediction must still be v1's score under v1's version.
    v1.predictProbaOne = (x) => {
      if (!swapped) swapped = infer.load(snapshot(2, trained(true)));
      return original(x);
    };
    const p = infer.predict(fv(5));
    assert.equal(swapped, true);
    assert.equal(p.modelVersion, 1);
    assert.equal(p.label, "true");
    const q = infer.predict(fv(5));
    assert.equal(q.modelVersion, 2);
    assert.equal(q.label, "false");
  });
});
