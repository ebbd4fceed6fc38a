import assert from "node:assert/strict";
import { test } from "node:test";
import type { JsMsg } from "@nats-io/jetstream";
import { newHeld } from "./puller.ts";
import type { Nacked } from "./types.ts";

const delivery = (streamSequence: number, deliveryCount: number) => ({ info: { streamSequence, deliveryCount } }) as unknown as JsMsg;

test("a nacked message's redelivery count never goes down, though nats-server 2.9 may redeliver it as a first delivery", () => {
  const nacked = new Map<number, Nacked>();
  assert.equal(newHeld(delivery(7, 1), undefined, nacked).redeliveryCount, 0);
  nacked.set(7, { count: 0, stalls: 0 }); // nacked at its first delivery
  assert.equal(newHeld(delivery(7, 1), undefined, nacked).redeliveryCount, 1, "count rolled back by the server");
  assert.equal(nacked.has(7), false, "forgotten once back");
  nacked.set(8, { count: 1, stalls: 0 });
  assert.equal(newHeld(delivery(8, 3), undefined, nacked).redeliveryCount, 2, "the server's count when it is higher");
  assert.equal(newHeld(delivery(9, 2), "k", nacked).key, "k");
});

test("the server's redeliveries of a held message (refreshes after a stall) do not count as failures", () => {
  const nacked = new Map<number, Nacked>();
  // First delivered (server count 1), redelivered 3 times while held (server count 4), then nacked once.
  nacked.set(5, { count: 0, stalls: 3 });
  assert.equal(newHeld(delivery(5, 5), undefined, nacked).redeliveryCount, 1);
  // It went to another process in between, which crashed: that delivery counts.
  nacked.set(6, { count: 0, stalls: 3 });
  assert.equal(newHeld(delivery(6, 6), undefined, nacked).redeliveryCount, 2);
  assert.equal(newHeld(delivery(7, 4), undefined, nacked).serverCount, 4);
});
