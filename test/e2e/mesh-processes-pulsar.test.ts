/**
 * The whole mesh as six `rtml serve` processes on a real Pulsar standalone broker (scripts/pulsar: one
 * broker for this file, free loopback ports; each test in a namespace of its own): the same results as
 * the embedded run, and nothing lost when each service is killed with SIGKILL mid-stream and the broker
 * is restarted. Skipped with the reason when the broker cannot be provisioned (no java / mvn), except
 * under CI, where that fails.
 */
import { after } from "node:test";
import { describeMeshOnBroker } from "../support/mesh-suite.ts";
import { pulsarBroker, pulsarUnavailableReason, stopPulsarBroker } from "../support/pulsar-broker.ts";

const unavailable = await pulsarUnavailableReason();
after(stopPulsarBroker);

describeMeshOnBroker("Pulsar", unavailable ?? false, async () => {
  const broker = await pulsarBroker();
  return {
    env: (scope) => ({
      RTML_TRANSPORT: "pulsar", PULSAR_URL: broker.serviceUrl, PULSAR_ADMIN_URL: broker.adminUrl, RTML_PULSAR_NAMESPACE: `e2e-${scope}-${Date.now().toString(36)}`,
    }),
    restart: () => broker.restart(),
  };
}, { agreement: 300_000, faults: 600_000 });
