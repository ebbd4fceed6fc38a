import assert from "node:assert/strict";
import { test } from "node:test";
import type { JsMsg } from "@nats-io/jetstream";
import { newHeld } from "./puller.ts";

const delivery = (streamSequence: number, deliveryCount: number) => ({ info: { streamSequence, deliveryCount } }) as unknown as JsMsg;

test("a nacked message's redelivery count never goes down, though nats-server 2.9 may redeliver it as a first delivery", () => {
  const nacked = new Map<number, number>();
  assert.equal(newHeld(delivery(7, 1), undefined, nacked).redeliveryCount, 0);
  nacked.set(7, 0); // nacked at its first delivery
  assert.equal(newHeld(delivery(7, 1), undefined, nacked).redeliveryCount, 1, "count rolled back by the server");
  assert.equal(nacked.has(7), false, "forgotten once back");
  nacked.set(8, 1);
  assert.equal(newHeld(delivery(8, 3), undefined, nacked).redeliveryCount, 2, "the server's count when it is higher");
  assert.equal(newHeld(delivery(9, 2), "k", nacked).key, "k");
});
