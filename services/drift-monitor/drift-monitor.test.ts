import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestContext, type TestContext } from "../shared/function/test-context.ts";
import { codecs, DriftKind, type DriftAlert, type FeatureVector, type Label, type Prediction } from "../shared/messages.ts";
import { Topics } from "../shared/topics.ts";
import { createDriftMonitor, type DriftMonitor, type DriftMonitorOptions } from "./drift-monitor.ts";
import { createWindowMetrics } from "./window-metrics.ts";

/** A seeded uniform in [0, 1). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

let seq = 0;
const prediction = (id: string, label: string, score = 0.5, version = 1): Prediction => ({
  eventId: id, entityId: "a", modelName: "rtml", modelVersion: version, score, label, eventTimeMs: 0, ingestTimeMs: 0,
  predictTimeMs: 0, latencyMs: 0, sequence: ++seq,
});
const label = (id: string, y: string): Label => ({ eventId: id, entityId: "a", label: y, eventTimeMs: 0, labelTimeMs: 0 });

/** Feeds `n` scored samples whose error probability is `errorAt(i)`; returns the alerts published. */
async function feedErrors(m: DriftMonitor, ctx: TestContext, n: number, errorAt: (i: number) => number, seed: number, start = 0) {
  const r = rng(seed);
  for (let i = start; i < start + n; i++) {
    const y = r() < 0.5;
    const wrong = r() < errorAt(i);
    const pred = wrong ? !y : y;
    await m.onPrediction(prediction(`e${i}`, String(pred), pred ? 0.8 : 0.2), ctx);
    await m.onLabel(label(`e${i}`, String(y)), ctx);
  }
  return ctx.messages<DriftAlert>(Topics.alerts, codecs.driftAlert);
}

const concept = (alerts: DriftAlert[]) => alerts.filter((a) => a.kind === DriftKind.CONCEPT);

describe("drift monitor: join and metrics", () => {
  it("joins predictions and labels in either order; predictions with an empty label are not scored", async () => {
    const m = createDriftMonitor();
    const ctx = createTestContext();
    await m.onPrediction(prediction("p1", "true", 0.9), ctx);
    await m.onLabel(label("p1", "true"), ctx);
    await m.onLabel(label("p2", "false"), ctx);
    await m.onPrediction(prediction("p2", "true", 0.7, 3), ctx);
    await m.onPrediction(prediction("p3", "", 0, 0), ctx);
    await m.onLabel(label("p3", "true"), ctx);
    await m.onLabel(label("p4", "true"), ctx);
    const st = m.status();
    assert.equal(st.labelled, 2);
    assert.equal(st.metrics.accuracy, 0.5);
    assert.equal(st.modelVersion, 3);
    assert.equal(st.cumulative.accuracy, 0.5);
  });

  it("scores a redelivered prediction or label once", async () => {
    const m = createDriftMonitor();
    const ctx = createTestContext();
    await m.onPrediction(prediction("p1", "true"), ctx);
    await m.onLabel(label("p1", "false"), ctx);
    await m.onPrediction(prediction("p1", "true"), ctx);
    await m.onLabel(label("p1", "false"), ctx);
    assert.equal(m.status().labelled, 1);
    assert.equal(m.status().duplicates, 2);
  });

  it("reports the windowed metrics River computes over the last N scored samples", async () => {
    const m = createDriftMonitor({ window: 30 });
    const ctx = createTestContext();
    const ref = createWindowMetrics(30);
    const all = createWindowMetrics(0);
    const r = rng(5);
    for (let i = 0; i < 200; i++) {
      const y = String(r() < 0.4);
      const score = r();
      const p = prediction(`e${i}`, String(score > 0.5), score);
      await m.onPrediction(p, ctx);
      await m.onLabel(label(`e${i}`, y), ctx);
      ref.update(y, p);
      all.update(y, p);
    }
    assert.deepEqual(m.status().metrics, ref.values());
    assert.deepEqual(m.status().cumulative, all.values());
    assert.deepEqual(Object.keys(m.status().metrics).sort(), ["accuracy", "f1", "kappa", "roc_auc"]);
  });

  it("expires the oldest pending entries at maxPending", async () => {
    const m = createDriftMonitor({ maxPending: 2 });
    const ctx = createTestContext();
    for (const id of ["a", "b", "c"]) await m.onPrediction(prediction(id, "true"), ctx);
    await m.onLabel(label("a", "true"), ctx);
    assert.equal(m.status().expired, 1, "the prediction a went; its label now waits alone");
    assert.equal(m.status().labelled, 0);
  });
});

describe("drift monitor: concept drift (ADWIN on the error stream)", () => {
  it("raises one CONCEPT alert after an error-rate step 0.1 → 0.6", async () => {
    for (const seed of [1, 2, 3]) {
      const m = createDriftMonitor();
      const ctx = createTestContext();
      const base = seq;
      const alerts = concept(await feedErrors(m, ctx, 5000, (i) => (i < 3000 ? 0.1 : 0.6), seed));
      assert.equal(alerts.length, 1, `seed ${seed}`);
      const a = alerts[0];
      assert.equal(a.detector, "ADWIN");
      assert.ok(a.atEvent - base > 3000 && a.atEvent - base < 3500, `soon after the step (${a.atEvent - base})`);
      assert.ok(a.statistic > 0.1, "the kept window's error rate");
      assert.equal(a.threshold, 0.002);
      assert.equal(a.modelVersion, 1);
      assert.equal(ctx.published.find((p) => p.topic === Topics.alerts)?.options?.key, "concept");
      assert.match(a.message, /error rate moved from 0\.\d+ to 0\.\d+/);
    }
  });

  it("stays quiet on a stationary stream of a few thousand samples", async () => {
    for (const seed of [11, 12, 13]) {
      const m = createDriftMonitor();
      const ctx = createTestContext();
      assert.equal((await feedErrors(m, ctx, 4000, () => 0.2, seed)).length, 0, `seed ${seed}`);
      assert.equal(m.status().detectors[0].detections, 0);
    }
  });

  it("does not alert when the error rate improves, unless asked to", async () => {
    const errors = (i: number) => (i < 3000 ? 0.6 : 0.1);
    const quiet = createDriftMonitor();
    const ctx = createTestContext();
    assert.equal((await feedErrors(quiet, ctx, 5000, errors, 4)).length, 0);
    assert.ok(quiet.status().detectors[0].detections >= 1);
    assert.equal(quiet.status().suppressed, quiet.status().detectors[0].detections);
    const loud = createDriftMonitor({ alertOnImprovement: true });
    assert.equal(concept(await feedErrors(loud, createTestContext(), 5000, errors, 4)).length, 1);
  });

  it("holds repeated detections of one drift back for conceptCooldown scored samples", async () => {
    // A ramp from 5% to 95% error over 500 samples: ADWIN fires twice, about 500 samples apart.
    const ramp = (i: number) => (i < 2000 ? 0.05 : Math.min(0.95, 0.05 + (i - 2000) / 500));
    const every = createDriftMonitor({ conceptCooldown: 0 });
    assert.equal(concept(await feedErrors(every, createTestContext(), 4000, ramp, 1)).length, 2);
    const damped = createDriftMonitor(); // default cooldown: 1000 samples
    assert.equal(concept(await feedErrors(damped, createTestContext(), 4000, ramp, 1)).length, 1);
    assert.equal(damped.status().detectors[0].detections, 2);
    assert.equal(damped.status().suppressed, 1);
  });
});

describe("drift monitor: data drift (KS per feature)", () => {
  const options: DriftMonitorOptions = { reference: 300, current: 300, checkEvery: 100, alpha: 0.001 };
  const fv = (i: number, values: Record<string, number>, raw: Record<string, number> = {}): FeatureVector => ({
    eventId: `f${i}`, entityId: "a", eventTimeMs: 0, ingestTimeMs: 0, values, raw, sequence: i,
  });

  async function run(m: DriftMonitor, ctx: TestContext, n: number, shiftAt: number, raw = false) {
    const r = rng(21);
    for (let i = 0; i < n; i++) {
      const v = { a: r() + (i >= shiftAt ? 0.5 : 0), b: r() };
      await m.onFeatures(raw ? fv(i, { a: 0, b: 0 }, v) : fv(i, v), ctx);
    }
    return ctx.messages<DriftAlert>(Topics.alerts, codecs.driftAlert).filter((x) => x.kind === DriftKind.DATA);
  }

  it("raises one DATA alert for the feature whose distribution shifts, none for the other", async () => {
    const m = createDriftMonitor(options);
    const ctx = createTestContext();
    const alerts = await run(m, ctx, 2000, 1000);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].feature, "a");
    assert.equal(alerts[0].detector, "KS");
    assert.ok(alerts[0].statistic > alerts[0].threshold);
    assert.ok(alerts[0].atEvent >= 1000);
    assert.equal(ctx.published.find((p) => p.topic === Topics.alerts)?.options?.key, "a");
    const ks = m.status().detectors.filter((d) => d.name === "KS");
    assert.deepEqual(ks.map((d) => [d.feature, d.drift, d.detections]), [["a", true, 1], ["b", false, 0]]);
  });

  it("stays quiet when no distribution shifts", async () => {
    assert.equal((await run(createDriftMonitor(options), createTestContext(), 3000, Infinity)).length, 0);
  });

  it("tests the unstandardised values when the feature vector carries them", async () => {
    const alerts = await run(createDriftMonitor(options), createTestContext(), 2000, 1000, true);
    assert.deepEqual(alerts.map((a) => a.feature), ["a"]);
  });
});

describe("drift monitor: watch and status", () => {
  it("calls watchers with every alert until they unsubscribe", async () => {
    const m = createDriftMonitor({ conceptCooldown: 0 });
    const seen: DriftAlert[] = [];
    const stop = m.watch((a) => seen.push(a));
    const ctx = createTestContext();
    await feedErrors(m, ctx, 4000, (i) => (i < 2000 ? 0.05 : Math.min(0.95, 0.05 + (i - 2000) / 500)), 1);
    assert.equal(seen.length, 2);
    assert.equal(seen[0].alertId, m.status().recentAlerts[0].alertId);
    stop();
    await feedErrors(m, ctx, 6000, (i) => (i < 7000 ? 0.05 : 0.95), 2, 4000);
    assert.ok(m.status().recentAlerts.length > 2, "the monitor kept alerting");
    assert.equal(seen.length, 2, "no calls after unsubscribe");
  });

  it("reports its status shape", async () => {
    const m = createDriftMonitor({ recent: 1, conceptCooldown: 0 });
    const empty = m.status();
    assert.deepEqual(
      { ...empty, detectors: empty.detectors.map((d) => d.name) },
      { labelled: 0, metrics: { accuracy: 0, kappa: 0, f1: 0, roc_auc: 0 }, cumulative: empty.cumulative, detectors: ["ADWIN"], recentAlerts: [], modelVersion: 0, expired: 0, suppressed: 0, duplicates: 0 },
    );
    assert.equal(empty.cumulative.kappa_t, 0);
    await feedErrors(m, createTestContext(), 4000, (i) => (i < 2000 ? 0.05 : Math.min(0.95, 0.05 + (i - 2000) / 500)), 1);
    const st = m.status();
    assert.equal(st.recentAlerts.length, 1, "bounded by `recent`");
    assert.equal(st.labelled, 4000);
    assert.deepEqual(Object.keys(st.detectors[0]).sort(), ["detections", "drift", "feature", "name", "statistic"]);
  });
});
