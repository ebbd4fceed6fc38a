/**
 * Runs the transport contract suite on the Pulsar transport against a real standalone broker
 * (scripts/pulsar, started once for this file on free loopback ports), then takes that broker down
 * and up again to check reconnection. Without java/mvn everything is skipped with the reason, except
 * under CI, where that fails.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { isRtmlError } from "../../services/shared/errors.ts";
import { bytes, receiver, text } from "../../services/shared/transport/contract/helpers.ts";
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
  describeTransportContract("pulsar", {
    create: () => createPulsarTransport({ serviceUrl, adminUrl, tenant: "rtml", namespace: "contract" }),
    // A real broker on 2 shared cores: redelivery and failover timers tick at ~1 s granularity.
    timeScale: 2,
    skip: {},
  });

  describe("pulsar transport: broker outage", () => {
    it("rejects publishes UNAVAILABLE while the broker is down, and consumers re-subscribe", async () => {
      const broker = await pulsarBroker();
      const t = await createPulsarTransport({ adminUrl, namespace: "outage", operationTimeoutMs: 3000, backoff: { initialMs: 200, maxMs: 1000 } });
      try {
        const r = receiver(await t.subscribe("outage", { subscription: "s", type: "shared" }));
        await t.publish("outage", bytes("before"));
        await t.publish("outage", bytes("unacked"));
        const [before, unacked] = await r.take(2, 10_000);
        await before.ack();
        assert.equal(text(unacked.payload), "unacked");
        await new Promise((resolve) => setTimeout(resolve, 500)); // let the ack reach the broker

        await broker.down();
        const started = Date.now();
        await assert.rejects(t.publish("outage", bytes("while down")), (err: unknown) => isRtmlError(err, "UNAVAILABLE"));
        assert.ok(Date.now() - started >= 2500, "gave up before operationTimeoutMs");

        await broker.up();
        await t.publish("outage", bytes("after"));
        const got = await r.take(2, 30_000);
        assert.deepEqual(got.map((m) => text(m.payload)).sort(), ["after", "unacked"]);
        await Promise.all(got.map((m) => m.ack()));
      } finally {
        await t.close();
      }
    });
  });
}
