/**
 * The NATS transport across a server restart (file storage): the client reconnects on its own, the
 * subscription resumes from its durable consumer, and publishing works again once the server is back.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { bytes, eventually, receiver, text } from "../../services/shared/transport/contract/helpers.ts";
import { createNatsTransport } from "../../services/shared/transport/nats/nats-transport.ts";
import type { InboundMessage, Transport } from "../../services/shared/transport/transport.ts";
import { findNatsServer, startNatsServer, type NatsServer } from "../support/nats-server.ts";

const bin = findNatsServer();
const missing = bin === undefined && process.env.CI === undefined ? "nats-server is not installed (apt-get install -y nats-server)" : undefined;
let server: NatsServer | undefined;
let transport: Transport | undefined;

before(async () => {
  if (missing === undefined) server = await startNatsServer(bin);
});
after(async () => {
  try {
    await transport?.close();
  } finally {
    await server?.stop();
  }
});

test("a subscription survives a server restart and publishing resumes", { skip: missing, timeout: 60_000 }, async () => {
  const s = server as NatsServer;
  transport = await createNatsTransport({ servers: s.url, storage: "file", leasePollMs: 100 });
  const t = transport;
  const types = ["shared", "failover", "exclusive", "key_shared"] as const;
  const topics = { shared: "restart.shared", failover: "restart.failover", exclusive: "restart.exclusive", key_shared: "restart.keyshared" } as const;
  const receivers = [];
  for (const type of types) {
    const r = receiver(await t.subscribe(topics[type], { subscription: "s", type }));
    await t.publish(topics[type], bytes(`before-${type}`), { key: "k" });
    const [m] = await r.take(1, 5000);
    assert.equal(text(m.payload), `before-${type}`);
    await m.ack();
    receivers.push(r);
  }
  // Down for longer than a lease renewal period (ttl/3): the exclusive, failover and key_shared leases are
  // lost and must be taken again once the server is back.
  await s.restart(3000);
  // The client reconnects by itself; publishes may fail until it has.
  await eventually(
    "a publish to succeed after the restart",
    async () => {
      try {
        await t.publish(topics.shared, bytes("after-shared"));
        return true;
      } catch {
        return false;
      }
    },
    20_000,
  );
  for (const type of types.slice(1)) await t.publish(topics[type], bytes(`after-${type}`));
  for (const [i, type] of types.entries()) {
    // Acks are asynchronous (as Pulsar's are): one sent just before the server stopped may be lost,
    // and that message delivered again (at-least-once). Nothing else may come before the new one.
    let [m]: InboundMessage[] = await receivers[i].take(1, 15_000).catch((err: Error) => assert.fail(`${type}: ${err.message}`));
    if (text(m.payload) === `before-${type}`) {
      await m.ack();
      [m] = await receivers[i].take(1, 15_000);
    }
    assert.equal(text(m.payload), `after-${type}`);
    assert.equal(m.redeliveryCount, 0);
    await m.ack();
  }
});
