/**
 * Clients we did not write, against the running embedded mesh: grpcurl (server reflection, JSON
 * requests), grpc-health-probe, and Python — tritonclient's Open Inference Protocol v2 client plus
 * grpcio's health and reflection clients (test/grpc/clients/oip_client.py). Tools come from
 * scripts/provision-grpc-tools.sh; a missing tool skips its test, except under CI where it fails.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { startGrpcMesh } from "./mesh-fixture.ts";

const cache = process.env.RTML_CACHE ?? join(homedir(), ".cache/rtml");
const tools = {
  grpcurl: join(cache, "bin/grpcurl"),
  probe: join(cache, "bin/grpc_health_probe"),
  python: join(cache, "venv/bin/python"),
};
const OIP_CLIENT = fileURLToPath(new URL("./clients/oip_client.py", import.meta.url));

function need(t: TestContext, tool: keyof typeof tools): boolean {
  if (existsSync(tools[tool])) return true;
  if (process.env.CI) assert.fail(`${tools[tool]} is missing: run scripts/provision-grpc-tools.sh`);
  t.skip("run scripts/provision-grpc-tools.sh");
  return false;
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe("gRPC: clients we did not write", () => {
  let f: Awaited<ReturnType<typeof startGrpcMesh>>;
  before(async () => void (f = await startGrpcMesh()));
  after(async () => f?.stop());

  it("grpc-health-probe: every service is SERVING", async (t) => {
    if (!need(t, "probe")) return;
    for (const [service, addr] of Object.entries(f.endpoints)) {
      const r = await run(tools.probe, [`-addr=${addr}`]);
      assert.equal(r.code, 0, `${service}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout + r.stderr, /SERVING/);
      const ready = await run(tools.probe, [`-addr=${addr}`, "-service=readiness"]);
      assert.equal(ready.code, 0, `${service} readiness: ${ready.stderr}`);
    }
  });

  it("grpcurl: lists and describes through reflection, and calls every service with JSON", async (t) => {
    if (!need(t, "grpcurl")) return;
    const g = (addr: string, ...verb: string[]) => run(tools.grpcurl, ["-plaintext", addr, ...verb]);
    const call = async (service: string, method: string, data?: object) => {
      const args = ["-plaintext", ...(data ? ["-d", JSON.stringify(data)] : []), f.endpoints[service], method];
      const r = await run(tools.grpcurl, args);
      assert.equal(r.code, 0, `${method}: ${r.stderr}`);
      return JSON.parse(r.stdout || "{}") as Record<string, unknown>;
    };
    const list = await g(f.endpoints.infer, "list");
    assert.equal(list.code, 0, list.stderr);
    for (const s of ["grpc.health.v1.Health", "inference.GRPCInferenceService", "rtml.v1.InferenceService"]) assert.match(list.stdout, new RegExp(s.replace(/\./g, "\\.")));
    const desc = await g(f.endpoints.infer, "describe", "inference.ModelInferRequest");
    assert.equal(desc.code, 0, desc.stderr);
    assert.match(desc.stdout, /raw_input_contents/);
    const pub = await call("ingest", "rtml.v1.IngestService/Publish", {
      events: [{ entity_id: "nsw", event_time_ms: 912345600000, dataset: "elec2", fields: { date: { number: 0.9 }, day: { number: 3 } } }],
    });
    assert.equal((pub.event_ids as string[]).length, 1);
    const v = await call("validate", "rtml.v1.ValidateService/Validate", { entity_id: "nsw", event_time_ms: 1, fields: { day: { text: "x" } } });
    assert.ok((v.reasons as unknown[]).length > 0);
    await call("validate", "rtml.v1.ValidateService/GetRejectStats");
    const fv = await call("feature", "rtml.v1.FeatureService/GetFeatures", { entity_id: "nsw" });
    assert.equal(fv.entity_id, "nsw");
    const p = await call("infer", "rtml.v1.InferenceService/Predict", { features: { names: f.featureNames, values: f.featureNames.map(() => 0.1) } });
    assert.equal(p.model_name, "rtml");
    const inf = await call("infer", "inference.GRPCInferenceService/ModelInfer", {
      model_name: "rtml",
      inputs: [{ name: "features", datatype: "FP32", shape: [1, f.featureNames.length], contents: { fp32_contents: f.featureNames.map(() => 0.1) } }],
    });
    assert.equal((inf.outputs as { name: string }[])[0].name, "score");
    const models = await call("train", "rtml.v1.TrainService/ListModels");
    assert.ok((models.models as unknown[]).length > 0);
    const status = await call("drift-monitor", "rtml.v1.DriftService/GetStatus");
    assert.ok(Number(status.labelled) > 0);
    const health = await call("train", "grpc.health.v1.Health/Check", { service: "" });
    assert.equal(health.status, "SERVING");
    const bad = await run(tools.grpcurl, ["-plaintext", "-d", JSON.stringify({ events: [] }), f.endpoints.ingest, "rtml.v1.IngestService/Publish"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stdout + bad.stderr, /InvalidArgument/);
  });

  it("Python: tritonclient (Open Inference Protocol v2) and grpcio's health and reflection clients", async (t) => {
    if (!need(t, "python")) return;
    const r = await run(tools.python, [OIP_CLIENT, f.endpoints.infer, JSON.stringify(f.featureNames)]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
    assert.equal(out.live, true);
    assert.equal(out.ready, true);
    assert.equal(out.model_ready, true);
    assert.equal(out.unknown_model_ready, false);
    assert.deepEqual(out.versions, [String(f.mesh.infer.infer.current().version)]);
    assert.equal((out.matrix_scores as number[]).length, 4);
    assert.deepEqual(out.per_feature_scores, out.matrix_scores);
    assert.ok((out.matrix_labels as string[]).every((l) => l === "true" || l === "false"));
    assert.equal(out.id, "r1");
    assert.equal(out.bad_request, "StatusCode.INVALID_ARGUMENT");
    assert.equal(out.health, "SERVING");
    assert.deepEqual(out.reflection_services, ["grpc.health.v1.Health", "inference.GRPCInferenceService", "rtml.v1.InferenceService"]);
  });
});
