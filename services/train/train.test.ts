import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RtmlError } from "../shared/errors.ts";
import { createTestContext, type TestContext } from "../shared/function/test-context.ts";
import { codecs, DriftKind, type DriftAlert, type FeatureVector, type Label, type ModelSnapshot } from "../shared/messages.ts";
import { GaussianNB } from "../shared/ml/naive-bayes/gaussian-nb.ts";
import { decodeModel } from "../shared/model-snapshot.ts";
import { Topics } from "../shared/topics.ts";
import { createModel } from "./models.ts";
import { createTrainService, labelValue, type TrainOptions, type TrainService } from "./train.ts";

const fv = (id: string, x: number): FeatureVector => ({ eventId: id, entityId: "a", eventTimeMs: 0, ingestTimeMs: 0, values: { x }, raw: {}, sequence: 0 });
const lb = (id: string, y: boolean): Label => ({ eventId: id, entityId: "a", label: String(y), eventTimeMs: 0, labelTimeMs: 0 });
const alert = (kind: DriftKind = DriftKind.CONCEPT): DriftAlert => ({
  alertId: "a1", kind, detector: "ADWIN", feature: "", statistic: 0.5, threshold: 0.002, atEvent: 1, eventId: "", timeMs: 0, modelVersion: 1, message: "",
});

function service(options: Partial<TrainOptions> = {}) {
  const published: ModelSnapshot[] = [];
  const train = createTrainService({ createModel: () => new GaussianNB(), publish: async (s) => void published.push(s), ...options });
  return { train, published, ctx: createTestContext() };
}

async function pair(train: TrainService, ctx: TestContext, id: string, x: number, y: boolean, labelFirst = false) {
  if (labelFirst) {
    await train.onLabel(lb(id, y), ctx);
    await train.onFeatures(fv(id, x), ctx);
  } else {
    await train.onFeatures(fv(id, x), ctx);
    await train.onLabel(lb(id, y), ctx);
  }
}

const snapshots = (ctx: TestContext) => ctx.messages<ModelSnapshot>(Topics.models, codecs.modelSnapshot);

describe("train service: join, dedup, expiry", () => {
  it("maps wire labels to River's booleans", () => {
    assert.equal(labelValue("true"), true);
    assert.equal(labelValue("false"), false);
    assert.equal(labelValue("UP"), "UP");
  });

  it("joins features and labels in either order, and only matching ids", async () => {
    const { train, ctx } = service();
    await pair(train, ctx, "e1", 1, true);
    await pair(train, ctx, "e2", -1, false, true);
    await train.onFeatures(fv("e3", 2), ctx);
    await train.onLabel(lb("e4", true), ctx);
    const st = train.stats();
    assert.equal(st.updates, 2);
    assert.equal(st.pendingFeatures, 1);
    assert.equal(st.pendingLabels, 1);
  });

  it("never trains twice on a duplicate event id, whichever side is redelivered", async () => {
    const { train, ctx } = service();
    await pair(train, ctx, "e1", 1, true);
    await pair(train, ctx, "e1", 1, true);
    await pair(train, ctx, "e1", 1, true, true);
    await train.onLabel(lb("e1", true), ctx);
    const st = train.stats();
    assert.equal(st.updates, 1);
    assert.equal(st.pendingFeatures + st.pendingLabels, 0, "a redelivered half of a learned pair is not buffered");
  });

  it("expires the oldest pending entries at maxPending and counts them", async () => {
    const { train, ctx } = service({ maxPending: 2 });
    for (const id of ["f1", "f2", "f3"]) await train.onFeatures(fv(id, 1), ctx);
    for (const id of ["l1", "l2", "l3", "l4"]) await train.onLabel(lb(id, true), ctx);
    let st = train.stats();
    assert.equal(st.expired, 3);
    assert.equal(st.pendingFeatures, 2);
    assert.equal(st.pendingLabels, 2);
    await train.onLabel(lb("f1", true), ctx); // f1 expired: its label now waits instead of joining
    await train.onLabel(lb("f3", true), ctx); // f3 still pending: joins
    st = train.stats();
    assert.equal(st.updates, 1);
    assert.equal(st.expired, 4);
  });
});

describe("train service: snapshots and versions", () => {
  it("publishes a snapshot every snapshotEvery updates with increasing versions and parents", async () => {
    const { train, ctx } = service({ snapshotEvery: 3 });
    for (let i = 0; i < 7; i++) await pair(train, ctx, `e${i}`, (i % 2 ? 1 : -1) * (1 + i / 10), i % 2 === 1);
    const snaps = snapshots(ctx);
    assert.deepEqual(snaps.map((s) => [s.version, s.parentVersion, s.nUpdates, s.reason, s.lastEventId]), [
      [1, 0, 3, "periodic", "e2"],
      [2, 1, 6, "periodic", "e5"],
    ]);
    assert.equal(ctx.published[0].options?.key, "rtml");
    const model = decodeModel(snaps[1]);
    assert.equal(model.predictOne({ x: 1 }), true);
    assert.deepEqual(train.listModels().map((s) => s.version), [1, 2]);
    assert.equal(train.stats().version, 2);
  });

  it("continues versions and update counts after restore()", async () => {
    const first = service({ snapshotEvery: 3 });
    for (let i = 0; i < 6; i++) await pair(first.train, first.ctx, `e${i}`, i % 2 ? 1 : -1, i % 2 === 1);
    const latest = snapshots(first.ctx).at(-1)!;
    const { train, ctx } = service({ snapshotEvery: 3 });
    train.restore(latest);
    assert.equal(train.getModel().version, 2);
    for (let i = 6; i < 9; i++) await pair(train, ctx, `e${i}`, 1, true);
    const [next] = snapshots(ctx);
    assert.deepEqual([next.version, next.parentVersion, next.nUpdates], [3, 2, 9]);
    assert.throws(() => train.restore({ ...latest, format: "x" }), (e: unknown) => e instanceof RtmlError && e.code === "FAILED_PRECONDITION");
  });

  it("getModel / listModels / promote / rollback, with their error codes", async () => {
    const { train, ctx, published } = service({ snapshotEvery: 1, history: 4 });
    const code = (c: string) => (e: unknown) => e instanceof RtmlError && e.code === c;
    assert.throws(() => train.getModel(), code("NOT_FOUND"));
    await assert.rejects(train.rollback(), code("FAILED_PRECONDITION"));
    await assert.rejects(train.promote(), code("FAILED_PRECONDITION"), "no challenger");
    await pair(train, ctx, "e1", 1, true);
    await assert.rejects(train.rollback(), code("FAILED_PRECONDITION"), "only one version");
    await pair(train, ctx, "e2", -1, false);
    await pair(train, ctx, "e3", 2, true);
    const [v1, v2, v3] = snapshots(ctx);
    assert.equal(train.getModel().version, 3);
    assert.equal(train.getModel(2), train.listModels()[1]);
    assert.throws(() => train.getModel(99), code("NOT_FOUND"));
    await assert.rejects(train.promote(99), code("NOT_FOUND"));
    await assert.rejects(train.rollback(99), code("NOT_FOUND"));

    const r1 = await train.rollback();
    assert.deepEqual([r1.version, r1.parentVersion, r1.reason], [4, 3, "rollback"]);
    const bytes = (u: Uint8Array) => Buffer.from(u).toString();
    assert.equal(bytes(r1.state), bytes(v2.state));
    const r2 = await train.rollback(); // keeps going back: v1, not v3 again
    assert.deepEqual([r2.version, bytes(r2.state)], [5, bytes(v1.state)]);
    const p = await train.promote(3);
    assert.deepEqual([p.version, p.reason, bytes(p.state)], [6, "promote", bytes(v3.state)]);
    assert.deepEqual(published.map((s) => s.version), [4, 5, 6]);
    assert.deepEqual(train.listModels().map((s) => s.version), [3, 4, 5, 6], "history bounded to 4");
    const m = await train.snapshot();
    assert.equal(m.version, 7);
    assert.equal(m.reason, "manual");

    const silent = createTrainService({ createModel: () => new GaussianNB(), snapshotEvery: 1 });
    await pair(silent, ctx, "s1", 1, true);
    await pair(silent, ctx, "s2", -1, false);
    for (const call of [() => silent.snapshot(), () => silent.rollback(), () => silent.promote(1)]) {
      await assert.rejects(call(), code("FAILED_PRECONDITION"), "no publisher");
    }
    assert.equal(silent.stats().version, 2, "a refused call uses no version");
    assert.deepEqual(silent.listModels().map((s) => s.version), [1, 2]);
  });
});

/** A seeded uniform in [-1, 1). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

describe("train service: challenger on concept drift", () => {
  it("starts one challenger per alert and promotes it once it beats the champion after challengerMinSamples", async () => {
    const { train, ctx } = service({ snapshotEvery: 1_000_000, challengerMinSamples: 100 });
    const r = rng(1);
    let id = 0;
    for (let i = 0; i < 2000; i++) {
      const x = r();
      await pair(train, ctx, `e${id++}`, x, x > 0);
    }
    await train.onAlert(alert(DriftKind.DATA), ctx);
    assert.equal(train.stats().challengers, 0, "data drift does not start a challenger");
    await train.onAlert(alert(), ctx);
    await train.onAlert(alert(), ctx);
    assert.equal(train.stats().challengers, 1, "one challenger at a time");
    // The concept flips: the fresh challenger learns it long before the champion unlearns 2000 examples.
    for (let i = 0; i < 100; i++) {
      const x = r();
      await pair(train, ctx, `e${id++}`, x, x <= 0);
    }
    const [promoted] = snapshots(ctx);
    assert.equal(promoted?.reason, "challenger-promoted");
    assert.equal(promoted.version, 1);
    assert.equal(train.stats().promotions, 1);
    const model = decodeModel(promoted);
    assert.equal(model.predictOne({ x: 0.7 }), false);
    assert.equal(model.predictOne({ x: -0.7 }), true);
    await assert.rejects(train.promote(), (e: unknown) => e instanceof RtmlError && e.code === "FAILED_PRECONDITION", "the challenger is gone");
  });

  it("drops a challenger that never beats the champion after challengerMaxSamples, so a later alert starts a new one", async () => {
    const { train, ctx } = service({ snapshotEvery: 1_000_000, challengerMinSamples: 10, challengerMaxSamples: 50 });
    let id = 0;
    const step = async () => {
      const x = (id % 5) + 1;
      await pair(train, ctx, `e${id}`, id % 2 ? x : -x, id % 2 === 1);
      id++;
    };
    for (let i = 0; i < 100; i++) await step();
    await train.onAlert(alert(), ctx);
    for (let i = 0; i < 50; i++) await step();
    assert.equal(train.stats().promotions, 0, "a fresh model never beats a perfect champion");
    assert.equal(train.stats().discarded, 1);
    await train.onAlert(alert(), ctx);
    assert.equal(train.stats().challengers, 2);
    assert.equal(snapshots(ctx).length, 0);
  });

  it("promote() installs the running challenger on demand", async () => {
    const { train, ctx, published } = service({ challengerMinSamples: 1000 });
    await pair(train, ctx, "e1", 1, true);
    await train.onAlert(alert(), ctx);
    const s = await train.promote();
    assert.equal(s.reason, "promote");
    assert.equal(published.length, 1);
    assert.equal(train.stats().promotions, 1);
  });
});

describe("train models", () => {
  it("builds every configured kind and learns", () => {
    for (const kind of ["lr", "lr-avg", "nb", "ht"] as const) {
      const m = createModel(kind);
      m.learnOne({ x: 1 }, true);
      assert.ok(m.predictProbaOne({ x: 1 }).size > 0, kind);
    }
  });
});
