/** Every service's gRPC API against the running embedded mesh, through the project's own client. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createFeatureService } from "../../services/feature/feature.ts";
import { featureNamesOf } from "../../services/shared/dataset/feature-names.ts";
import { resolveDataset } from "../../services/shared/dataset/resolve.ts";
import type { RtmlError } from "../../services/shared/errors.ts";
import { createGrpcClient } from "../../services/shared/grpc/client.ts";
import { GrpcServiceNames } from "../../services/shared/grpc/load-proto.ts";
import { queryStatus } from "../../services/cli/status.ts";
import { replayOverGrpc } from "../../services/cli/replay.ts";
import { startGrpcMesh } from "./mesh-fixture.ts";

type Fixture = Awaited<ReturnType<typeof startGrpcMesh>>;

const elecEvent = (i: number) => ({
  entityId: "nsw", eventTimeMs: 912_345_600_000 + i * 1_800_000, dataset: "elec2",
  numberNames: ["date", "day", "period", "nswprice", "nswdemand", "vicprice", "vicdemand", "transfer"],
  numbers: [0.9, 3, 0.5, 0.06, 0.4, 0.003, 0.4, 0.4],
});

describe("gRPC: the six services, own client", () => {
  let f: Fixture;
  const client = (service: string, name: string) => createGrpcClient(f.endpoints[service], name);
  before(async () => void (f = await startGrpcMesh()));
  after(async () => f?.stop());

  it("feature names of the schema match the feature service's own list, for every bundled dataset", () => {
    for (const name of ["elec2", "phishing", "bananas", "fraud-handbook", "fraud"]) {
      const { schema } = resolveDataset(name);
      assert.deepEqual(featureNamesOf(schema), [...createFeatureService({ schema }).featureNames], name);
    }
  });

  it("ingest: Publish, PublishStream (one ack per event, in order), PublishLabels; refusals are INVALID_ARGUMENT", async () => {
    const c = client("ingest", GrpcServiceNames.ingest);
    const { eventIds } = await c.unary<object, { eventIds: string[] }>("Publish", { events: [elecEvent(1), { ...elecEvent(2), eventId: "mine-2" }] });
    assert.equal(eventIds.length, 2);
    assert.equal(eventIds[1], "mine-2");
    const acks: { eventId: string; sequence: number }[] = [];
    for await (const a of c.bidi<object, { eventId: string; sequence: number }>("PublishStream", [3, 4, 5].map((i) => ({ ...elecEvent(i), eventId: `s-${i}` })))) acks.push(a);
    assert.deepEqual(acks.map((a) => a.eventId), ["s-3", "s-4", "s-5"]);
    assert.ok(acks[1].sequence === acks[0].sequence + 1);
    assert.equal((await c.unary<object, { accepted: number }>("PublishLabels", { labels: [{ eventId: "s-3", label: "true" }] })).accepted, 1);
    await assert.rejects(c.unary("Publish", { events: [] }), (e: RtmlError) => e.code === "INVALID_ARGUMENT");
    await assert.rejects(
      c.unary("Publish", { events: [{ ...elecEvent(6), eventId: "x".repeat(300) }] }),
      (e: RtmlError) => e.code === "INVALID_ARGUMENT" && /eventId of 300 characters/.test(e.message),
    );
    const big = { ...elecEvent(7), fields: { blob: { text: "y".repeat(70 * 1024) } } };
    await assert.rejects(c.unary("Publish", { events: [big] }), (e: RtmlError) => e.code === "INVALID_ARGUMENT" && /limit/.test(e.message));
    c.close();
  });

  it("validate: a dry run returns every reason; GetRejectStats counts", async () => {
    const c = client("validate", GrpcServiceNames.validate);
    const ok = await c.unary<object, { valid: boolean }>("Validate", { ...elecEvent(1), eventId: "v1" });
    assert.equal(ok.valid, true);
    const bad = await c.unary<object, { valid: boolean; reasons: { field: string }[] }>("Validate", {
      eventId: "v2", entityId: "nsw", eventTimeMs: 1, fields: { day: { text: "monday" } },
    });
    assert.equal(bad.valid, false);
    assert.ok(bad.reasons.length >= 2, JSON.stringify(bad.reasons));
    const stats = await c.unary<object, { accepted: number }>("GetRejectStats", {});
    assert.ok(stats.accepted >= 600);
    c.close();
  });

  it("feature: GetFeatures by entity, and for an event (nothing stored); unknown entity is NOT_FOUND", async () => {
    const c = client("feature", GrpcServiceNames.feature);
    const byEntity = await c.unary<object, { entityId: string; names: string[] }>("GetFeatures", { entityId: "nsw" });
    assert.equal(byEntity.entityId, "nsw");
    const forEvent = await c.unary<object, { names: string[]; values: number[] }>("GetFeatures", { event: elecEvent(9) });
    assert.deepEqual(forEvent.names, f.featureNames);
    await assert.rejects(c.unary("GetFeatures", { entityId: "nobody" }), (e: RtmlError) => e.code === "NOT_FOUND");
    c.close();
  });

  it("infer: Predict from features and from an event; the Open Inference Protocol's calls", async () => {
    const c = client("infer", GrpcServiceNames.infer);
    const version = f.mesh.infer.infer.current().version;
    const p1 = await c.unary<object, { modelVersion: number; label: string; score: number }>("Predict", {
      features: { names: f.featureNames, values: f.featureNames.map(() => 0.1) },
    });
    assert.equal(p1.modelVersion, version);
    assert.ok(p1.label === "true" || p1.label === "false");
    const p2 = await c.unary<object, { modelVersion: number; score: number }>("Predict", { event: elecEvent(10) });
    assert.ok(p2.score >= 0 && p2.score <= 1);
    await assert.rejects(c.unary("Predict", {}), (e: RtmlError) => e.code === "INVALID_ARGUMENT");
    c.close();
    const oip = client("infer", GrpcServiceNames.openInference);
    assert.deepEqual(await oip.unary("ServerLive", {}), { live: true });
    assert.deepEqual(await oip.unary("ModelReady", { name: "rtml" }), { ready: true });
    const meta = await oip.unary<object, { inputs: { shape: number[] }[] }>("ModelMetadata", { name: "rtml" });
    assert.deepEqual(meta.inputs[0].shape, [-1, f.featureNames.length]);
    const rows = [f.featureNames.map(() => 0.2), f.featureNames.map(() => -0.3)];
    const res = await oip.unary<object, { modelVersion: string; outputs: { name: string; shape: number[]; contents: { fp32Contents: number[]; bytesContents: Buffer[] } }[] }>(
      "ModelInfer",
      { modelName: "rtml", id: "q", inputs: [{ name: "features", datatype: "FP64", shape: [2, f.featureNames.length], contents: { fp64Contents: rows.flat() } }] },
    );
    assert.equal(res.modelVersion, String(f.mesh.infer.infer.current().version));
    assert.deepEqual(res.outputs.map((o) => [o.name, o.shape[0]]), [["score", 2], ["label", 2]]);
    // The same rows as raw little-endian FP32, one tensor per feature.
    const raw = f.featureNames.map((_, c2) => Buffer.from(new Float32Array(rows.map((r) => r[c2])).buffer));
    const res2 = await oip.unary<object, { rawOutputContents: Buffer[] }>("ModelInfer", {
      modelName: "rtml", inputs: f.featureNames.map((n) => ({ name: n, datatype: "FP32", shape: [2, 1] })), rawInputContents: raw,
    });
    const scores = new Float32Array(new Uint8Array(res2.rawOutputContents[0]).buffer);
    assert.ok(Math.abs(scores[0] - res.outputs[0].contents.fp32Contents[0]) < 1e-5);
    await assert.rejects(oip.unary("ModelInfer", { modelName: "other", inputs: [] }), (e: RtmlError) => e.code === "NOT_FOUND");
    await assert.rejects(
      oip.unary("ModelInfer", { modelName: "rtml", inputs: [{ name: "features", datatype: "FP32", shape: [1, 2], contents: { fp32Contents: [1, 2] } }] }),
      (e: RtmlError) => e.code === "INVALID_ARGUMENT",
    );
    oip.close();
  });

  it("train: ListModels, GetModel, Snapshot, Rollback, Promote of a kept version; unknown version is NOT_FOUND", async () => {
    const c = client("train", GrpcServiceNames.train);
    const { models } = await c.unary<object, { models: { version: number; current: boolean }[] }>("ListModels", {});
    assert.ok(models.length > 0 && models.at(-1)!.current);
    const cur = await c.unary<object, { version: number }>("GetModel", { version: 0 });
    const snap = await c.unary<object, { version: number; reason: string }>("Snapshot", {});
    assert.ok(snap.version > cur.version && snap.reason === "manual");
    const back = await c.unary<object, { reason: string }>("Rollback", {});
    assert.equal(back.reason, "rollback");
    const promoted = await c.unary<object, { reason: string }>("Promote", { version: models[0].version });
    assert.equal(promoted.reason, "promote");
    await assert.rejects(c.unary("GetModel", { version: 999_999 }), (e: RtmlError) => e.code === "NOT_FOUND");
    c.close();
  });

  it("drift-monitor: GetStatus; WatchAlerts streams alerts until cancelled", async () => {
    const c = client("drift-monitor", GrpcServiceNames.driftMonitor);
    const s = await c.unary<object, { labelled: number; detectors: unknown[] }>("GetStatus", {});
    assert.ok(s.labelled > 0 && s.detectors.length > 0);
    const abort = new AbortController();
    const got: unknown[] = [];
    const watching = (async () => {
      try {
        for await (const a of c.serverStream("WatchAlerts", {}, { signal: abort.signal })) got.push(a);
      } catch (err) {
        if ((err as RtmlError).code !== "CANCELLED") throw err;
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    abort.abort();
    await watching;
    c.close();
  });

  it("rtml status sees all six SERVING; rtml replay --to streams a dataset into ingest", async () => {
    const ports = Object.fromEntries(Object.entries(f.endpoints).map(([k, v]) => [k, Number(v.split(":")[1])]));
    const rows = await queryStatus({ ports });
    assert.deepEqual(rows.map((r) => r.health), Array(6).fill("SERVING"), JSON.stringify(rows));
    const before = f.mesh.validate.validate.stats().accepted;
    const summary = await replayOverGrpc({ to: f.endpoints.ingest, dataset: "elec2", maxEvents: 200 });
    assert.equal(summary.events, 200);
    const deadline = Date.now() + 20_000;
    while (f.mesh.validate.validate.stats().accepted < before + 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(f.mesh.validate.validate.stats().accepted >= before + 200);
  });
});
