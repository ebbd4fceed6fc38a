import { test } from "node:test";
import assert from "node:assert/strict";
import { createMemoryTransport } from "../transport/memory/memory-transport.ts";
import { createFunctionRunner } from "./runner.ts";
import { jsonCodec, quietLogger } from "./test-helpers.ts";

test("unsubscribeOnStop deletes the runner's subscription when it stops; without it the cursor stays", async () => {
  const transport = await createMemoryTransport();
  const make = (subscription: string, unsubscribeOnStop: boolean) =>
    createFunctionRunner({
      name: subscription, transport, inputs: ["models"], codec: jsonCodec<number>(), process: () => {},
      subscription, subscriptionType: "exclusive", unsubscribeOnStop, logger: quietLogger,
    });
  const once = make("per-instance", true);
  const kept = make("durable", false);
  await once.start();
  await kept.start();
  assert.deepEqual(Object.keys((await transport.stats("models")).subscriptions).sort(), ["durable", "per-instance"]);
  await once.stop();
  await kept.stop();
  assert.deepEqual(Object.keys((await transport.stats("models")).subscriptions), ["durable"]);
  await transport.close();
});
