/**
 * The NATS transport when the process stalls for longer than the server's ack_wait while it holds a
 * message (a long GC pause, a starved container): no `working()` reaches the server, which redelivers.
 * The consumer still holds the message and will settle it, so the redelivery must refresh it, not hand
 * it out a second time (a duplicate, and a count towards the dead-letter limit for a message that never
 * failed), and a later nack counts once, not once per stall.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bytes, receiver, text } from "../../services/shared/transport/contract/helpers.ts";
import { createNatsTransport } from "../../services/shared/transport/nats/nats-transport.ts";
import type { Transport } from "../../services/shared/transport/transport.ts";
import { natsServerForFile } from "../support/nats-server.ts";

const nats = natsServerForFile();

/** Blocks the event loop, as a stalled process does. */
function stall(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: no timer, no socket read or write runs
  }
}

for (const type of ["shared", "exclusive", "key_shared"] as const) {
  test(`${type}: a held message the server redelivers after a stall past ack_wait is not handed out again`, { skip: nats.skip, timeout: 60_000 }, async () => {
    const s = nats.server();
    const prefix = `stall${type.replace("_", "")}`;
    const t: Transport = await createNatsTransport({ servers: s.url, ackWaitMs: 1000, streamPrefix: prefix });
    try {
      const r = receiver(await t.subscribe("stall", { subscription: "s", type, maxRedeliveries: 5, deadLetterTopic: "stall-DLQ" }));
      const queued = ["held", "queued"];
      for (const body of queued) await t.publish("stall", bytes(body), { key: "k" });
      const [held] = await r.take(1, 5000);
      assert.equal(text(held!.payload), "held");
      for (let i = 0; i < 3; i++) {
        stall(1800); // past ack_wait (1 s): the server redelivers both, the one handed out and the one queued
        await new Promise((resolve) => setTimeout(resolve, 700)); // the redeliveries arrive
      }
      await held!.ack();
      // The queued one, nacked once: it comes back counted once, not once per stall.
      const rest: string[] = [];
      for (let m = await r.next(2500); m !== undefined; m = await r.next(2500)) {
        rest.push(`${text(m.payload)}#${m.redeliveryCount}`);
        if (m.redeliveryCount === 0) await m.nack(0);
        else await m.ack();
      }
      assert.deepEqual(rest, ["queued#0", "queued#1"], "each message handed out once per real delivery, counted once per nack");
    } finally {
      await t.close();
    }
  });
}
