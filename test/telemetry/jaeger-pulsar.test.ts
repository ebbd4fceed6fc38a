/**
 * The Jaeger trace test on a real Pulsar standalone broker (the transport of production): the six
 * services in this process, each with its own TracerProvider, their messages through Pulsar's WebSocket
 * API with the trace context in the message properties; the trace read back from Jaeger must hold all
 * six services with `messaging.system = pulsar`. Skips when Jaeger is not built or Pulsar cannot be
 * provisioned (java / mvn missing), unless CI is set (then it fails).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { runUp } from "../../services/cli/up.ts";
import { loadConfig, SERVICE_NAMES } from "../../services/shared/config.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { createMeshTelemetry } from "../../services/shared/telemetry/mesh-telemetry.ts";
import { createPulsarTransport } from "../../services/shared/transport/pulsar/pulsar-transport.ts";
import { jaegerUnavailableReason, startJaeger, type Jaeger } from "../support/jaeger.ts";
import { pulsarBroker, pulsarUnavailableReason, stopPulsarBroker } from "../support/pulsar-broker.ts";
import { assertEventTrace, assertOtlpRelations, findSixServiceTrace, serviceOf, SIX } from "./trace-assertions.ts";

const noJaeger = jaegerUnavailableReason();
if (noJaeger !== undefined && process.env.CI !== undefined) throw new Error(`${noJaeger} (CI is set: .ci/run must build Jaeger first)`);
// Top-level await: node:test needs the skip decision before it registers the cases.
const unavailable = noJaeger ?? (await pulsarUnavailableReason());
after(stopPulsarBroker);

describe("traces in Jaeger: the mesh on a real Pulsar broker", { skip: unavailable, timeout: 300_000 }, () => {
  let jaeger: Jaeger;
  before(async () => {
    jaeger = await startJaeger();
  });
  after(async () => {
    await jaeger?.stop();
  });

  it("one event's trace holds the spans of all six services, through Pulsar", async () => {
    const { serviceUrl, adminUrl } = await pulsarBroker();
    const telemetry = createMeshTelemetry({
      services: SERVICE_NAMES,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttp, OTEL_BSP_SCHEDULE_DELAY: "200" },
      serviceVersion: "test",
    });
    const transport = await createPulsarTransport({ serviceUrl, adminUrl, tenant: "rtml", namespace: `jaeger-${randomUUID().slice(0, 8)}` });
    try {
      const summary = await runUp(
        { dataset: "elec2", maxEvents: 100, json: true, telemetry: telemetry.of, drainIdleMs: 30_000 },
        loadConfig({}),
        transport,
        createLogger({ level: "warn" }),
      );
      assert.equal(summary.transport, "pulsar");
      assert.ok(summary.predictions > 0);
    } finally {
      await transport.close();
      await telemetry.shutdown();
    }
    const trace = await findSixServiceTrace(jaeger, 60_000);
    assert.deepEqual([...new Set(trace.spans.map((s) => serviceOf(trace, s)))].sort(), [...SIX].sort());
    assertEventTrace(trace, "pulsar");
    assertOtlpRelations(await jaeger.traceOtlp(trace.traceID));
  });
});
