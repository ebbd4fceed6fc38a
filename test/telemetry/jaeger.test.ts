/**
 * One event, one trace, six services, read back from a real Jaeger v2: the embedded mesh (all six
 * services in this process on the memory transport, each with its own TracerProvider) exports over
 * OTLP/HTTP to a Jaeger started on free loopback ports; the trace is then fetched through Jaeger's HTTP
 * query API (/api/traces?service=…, /api/traces/<id>) and its spans, parent and link relations and
 * attributes checked. Skips when Jaeger is not built, unless CI is set (then it fails).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../services/shared/config.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { SERVICE_NAMES } from "../../services/shared/config.ts";
import { createMeshTelemetry } from "../../services/shared/telemetry/mesh-telemetry.ts";
import { createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";
import { runUp } from "../../services/cli/up.ts";
import { jaegerUnavailableReason, startJaeger, type Jaeger } from "../support/jaeger.ts";
import { assertEventTrace, assertOtlpRelations, findSixServiceTrace, serviceOf, SIX, tag } from "./trace-assertions.ts";

const unavailable = jaegerUnavailableReason();
if (unavailable !== undefined && process.env.CI !== undefined) {
  throw new Error(`${unavailable} (CI is set: .ci/run must build Jaeger first)`);
}

describe("traces in Jaeger: embedded mesh", { skip: unavailable, timeout: 180_000 }, () => {
  let jaeger: Jaeger;
  before(async () => {
    jaeger = await startJaeger();
  });
  after(async () => {
    await jaeger?.stop();
  });

  it("one event's trace holds the spans of all six services, with parent and link relations and attributes", async () => {
    const telemetry = createMeshTelemetry({
      services: SERVICE_NAMES,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttp, OTEL_BSP_SCHEDULE_DELAY: "200" },
      serviceVersion: "test",
    });
    assert.equal(telemetry.tracing, true);
    const transport = await createMemoryTransport();
    try {
      const summary = await runUp(
        { dataset: "elec2", maxEvents: 300, json: true, telemetry: telemetry.of },
        loadConfig({}),
        transport,
        createLogger({ level: "warn" }),
      );
      assert.equal(summary.lost, 0);
      assert.ok(summary.predictions > 0);
    } finally {
      await transport.close();
      await telemetry.shutdown(); // flushes every service's spans to Jaeger
    }

    // Jaeger stores what it receives after its own batch delay: poll.
    let services: string[] = [];
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      services = await jaeger.services();
      if (SIX.every((s) => services.includes(s))) break;
    }
    for (const s of SIX) assert.ok(services.includes(s), `Jaeger knows service ${s} (has ${services.join(", ")})`);
    const trace = await findSixServiceTrace(jaeger);
    assert.deepEqual([...new Set(trace.spans.map((s) => serviceOf(trace, s)))].sort(), [...SIX].sort());
    assertEventTrace(trace, "memory");
    assertOtlpRelations(await jaeger.traceOtlp(trace.traceID));

    // Model swaps: train's `send models` → infer's `process models` → `model swap`, with the versions.
    const swaps = await jaeger.traces("infer", { operation: "model swap", limit: "5" });
    assert.ok(swaps.length > 0, "infer traced its model swaps");
    const swapTrace = swaps[0];
    const swap = swapTrace.spans.find((s) => s.operationName === "model swap" && serviceOf(swapTrace, s) === "infer");
    assert.ok(swap);
    assert.ok((tag(swap, "rtml.model.version") as number) > 0, "the swap names the new model version");
    assert.equal(typeof tag(swap, "rtml.model.previous_version"), "number");
    const consumed = swapTrace.spans.find((s) => s.spanID === swap.references.find((r) => r.refType === "CHILD_OF")?.spanID);
    assert.equal(consumed?.operationName, "process models", "the swap happens while processing the snapshot message");
    assert.ok(swapTrace.spans.some((s) => s.operationName === "send models" && serviceOf(swapTrace, s) === "train"), "train's publish is in the trace");
  });
});
