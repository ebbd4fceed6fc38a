/**
 * Runs the transport contract suite on the Pulsar transport against a real standalone broker
 * (scripts/pulsar, started once for this file on free loopback ports). Without java/mvn the suite is
 * skipped with the reason, except under CI, where that fails.
 */
import { after, before, describe, it } from "node:test";
import { describeTransportContract } from "../../services/shared/transport/contract/transport.contract.ts";
import { createPulsarTransport } from "../../services/shared/transport/pulsar/pulsar-transport.ts";
import { pulsarBroker, pulsarUnavailableReason, stopPulsarBroker } from "../support/pulsar-broker.ts";

// Top-level await: node:test needs the skip decision before it registers the cases.
const unavailable = await pulsarUnavailableReason();
after(stopPulsarBroker);

if (unavailable !== undefined) {
  describe("transport contract: pulsar", () => {
    it("runs against a real broker", { skip: unavailable }, () => {});
  });
} else {
  const { adminUrl, serviceUrl } = await pulsarBroker();
  before(() => {});
  describeTransportContract("pulsar", {
    create: () => createPulsarTransport({ serviceUrl, adminUrl, tenant: "rtml", namespace: "contract" }),
    // A real broker on 2 cores: ack-timeout and failover timers tick at ~1 s granularity.
    timeScale: 2,
    skip: {},
  });
}
