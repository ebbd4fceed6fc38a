/**
 * The NATS transport when a consumer loses its lease while it still has a pull request open (a renewal
 * failed: the server was away, or the process was starved for longer than the lease's ttl). Messages
 * that reach that pull request after the loss must be handed back to the server at once, so the next
 * holder (here: the same consumer, once it takes the lease again) gets them. They were held and kept
 * alive instead, never handed out: lost for as long as the process lived.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import { bytes, receiver, text } from "../../services/shared/transport/contract/helpers.ts";
import { durableName, topicNames } from "../../services/shared/transport/nats/names.ts";
import { createNatsTransport } from "../../services/shared/transport/nats/nats-transport.ts";
import type { Transport } from "../../services/shared/transport/transport.ts";
import { natsServerForFile } from "../support/nats-server.ts";

const nats = natsServerForFile();

for (const type of ["exclusive", "failover", "key_shared"] as const) {
  test(`${type}: messages that reach a pull request after its lease was lost are delivered once the lease is back`, { skip: nats.skip, timeout: 60_000 }, async () => {
    const s = nats.server();
    const topic = `lease.lost.${type}`;
    // Lease renewed every 500 ms; a pull request stays open for up to 1 s (fetchExpiresMs); ack_wait 30 s.
    const t: Transport = await createNatsTransport({ servers: s.url, leaseTtlMs: 1500, leasePollMs: 50, streamPrefix: `lease${type.replace("_", "")}` });
    const nc = await connect({ servers: s.url });
    try {
      const r = receiver(await t.subscribe(topic, { subscription: "s", type }));
      await t.publish(topic, bytes("first"), { key: "k" });
      const [first] = await r.take(1, 5000);
      await first.ack();
      // Another holder takes the lease: the next renewal fails and the consumer stops pulling.
      const kv = await new Kvm(nc).open(`lease${type.replace("_", "")}_leases`);
      const names = topicNames(`lease${type.replace("_", "")}`, topic);
      const holder = type === "key_shared" ? "key_shared" : "";
      const key = `${names.stream}.${durableName("s")}`;
      assert.ok((await kv.get(key))?.string().endsWith(holder), "the consumer holds the lease");
      await kv.put(key, "intruder");
      // Publish for 2 s: some land in the pull request that is open when the loss is noticed.
      const sent: string[] = [];
      for (let i = 0; i < 100; i++) {
        const body = `m${i}`;
        await t.publish(topic, bytes(body), { key: "k" });
        sent.push(body);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await kv.delete(key); // the intruder leaves: the consumer takes the lease again
      const got = new Set<string>();
      const deadline = Date.now() + 10_000; // well under ack_wait (30 s): the server's redelivery does not save them
      while (got.size < sent.length && Date.now() < deadline) {
        const m = await r.next(Math.max(1, deadline - Date.now()));
        if (m === undefined) break;
        got.add(text(m.payload));
        await m.ack();
      }
      const missingBodies = sent.filter((b) => !got.has(b));
      assert.deepEqual(missingBodies, [], `${missingBodies.length} of ${sent.length} never delivered within 10 s`);
    } finally {
      await nc.close();
      await t.close();
    }
  });
}
