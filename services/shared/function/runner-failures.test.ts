/**
 * The function runner on the real memory transport: undecodable payloads (dead-letter topic or
 * onDecodeError, never retried) and the per-message timeout.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryTransport } from "../transport/memory/memory-transport.ts";
import { createFunctionRunner } from "./runner.ts";
import {
  backlog,
  bytes,
  capturingLogger,
  gate,
  jsonCodec,
  parse,
  quietLogger,
  readTopic,
  text,
  waitFor,
} from "./test-helpers.ts";

interface In {
  n: number;
}
const codec = jsonCodec<In>();
const base = { codec, logger: quietLogger, retryBackoffMs: 1, nackDelayMs: 5 } as const;

describe("function runner: undecodable payloads and timeouts", () => {
  it("an undecodable payload goes to the dead-letter topic once, acked, never retried", async () => {
    const transport = await createMemoryTransport();
    let decodes = 0;
    const processed: number[] = [];
    const runner = createFunctionRunner<In>({
      ...base,
      name: "decoder",
      transport,
      inputs: ["in"],
      codec: { ...codec, decode: (b) => (decodes++, codec.decode(b)) },
      process: (input) => void processed.push(input.n),
    });
    await runner.start();
    await transport.publish("in", new TextEncoder().encode("{not json"), { key: "bad", properties: { "event-id": "e1" } });
    await transport.publish("in", bytes({ n: 2 }));
    await waitFor(() => runner.stats().processed === 1 && runner.stats().deadLettered === 1, "handled");
    await runner.stop();
    assert.equal(decodes, 2);
    assert.deepEqual(processed, [2]);
    const dlq = await readTopic(transport, "in-decoder-DLQ");
    assert.equal(dlq.length, 1);
    assert.equal(text(dlq[0].payload), "{not json");
    assert.equal(dlq[0].key, "bad");
    assert.equal(dlq[0].properties["event-id"], "e1");
    assert.equal(dlq[0].properties["rtml-error-code"], "INVALID_ARGUMENT");
    assert.equal(dlq[0].properties.REAL_TOPIC, "in");
    assert.deepEqual(await backlog(transport, "in", "decoder"), { backlog: 0, unacked: 0 });
    assert.equal(runner.stats().failed, 1);
    await transport.close();
  });

  it("onDecodeError receives the payload and error, may publish, and the message is acked", async () => {
    const transport = await createMemoryTransport();
    const errors: string[] = [];
    const runner = createFunctionRunner<In>({
      ...base,
      name: "ondecode",
      transport,
      inputs: ["in"],
      deadLetterTopic: "never-used",
      process: () => assert.fail("process() must not see an undecodable payload"),
      onDecodeError: (payload, error, ctx) => {
        errors.push(error.message);
        ctx.publish("rejected", jsonCodec<{ raw: string; topic: string }>(), { raw: text(payload), topic: ctx.record.topic });
      },
    });
    await runner.start();
    await transport.publish("in", new TextEncoder().encode("garbage"));
    await waitFor(() => runner.stats().received === 1 && runner.stats().inFlight === 0, "handled");
    await runner.stop();
    assert.equal(errors.length, 1);
    assert.match(errors[0], /not JSON/);
    assert.deepEqual((await readTopic(transport, "rejected")).map((m) => parse(m.payload)), [{ raw: "garbage", topic: "in" }]);
    assert.deepEqual(await readTopic(transport, "never-used"), []);
    assert.deepEqual(await backlog(transport, "in", "ondecode"), { backlog: 0, unacked: 0 });
    await transport.close();
  });

  it("a hanging async process() times out (DEADLINE_EXCEEDED), is retried, nacked and redelivered", async () => {
    const transport = await createMemoryTransport();
    const { logger, lines } = capturingLogger("warn");
    const late = gate();
    let lateError: unknown;
    const calls: number[] = [];
    const runner = createFunctionRunner<In>({
      ...base,
      name: "slow",
      transport,
      inputs: ["in"],
      logger,
      timeoutMs: 20,
      maxRetries: 1,
      process: async (input, ctx) => {
        calls.push(ctx.record.redeliveryCount);
        if (ctx.record.redeliveryCount === 0) {
          await late.promise; // hangs past the deadline
          try {
            ctx.publish("out", codec, { n: -1 });
          } catch (err) {
            lateError = err;
          }
          return;
        }
        ctx.publish("out", codec, { n: input.n });
      },
    });
    await runner.start();
    await transport.publish("in", bytes({ n: 3 }));
    await waitFor(() => runner.stats().processed === 1, "processed on redelivery");
    late.open();
    await waitFor(() => lateError !== undefined, "late publish refused");
    await runner.stop();
    assert.deepEqual(calls, [0, 0, 1]);
    assert.equal((lateError as { code?: string }).code, "FAILED_PRECONDITION");
    const failure = lines.find((l) => l.msg === "processing failed; message handed back to the broker");
    assert.equal((failure?.err as { code?: string } | undefined)?.code, "DEADLINE_EXCEEDED");
    assert.deepEqual((await readTopic(transport, "out")).map((m) => parse<In>(m.payload).n), [3]);
    await transport.close();
  });

  it("an explicit deadLetterTopic serves every input", async () => {
    const transport = await createMemoryTransport();
    const runner = createFunctionRunner<In>({
      name: "multi",
      transport,
      inputs: ["in-a", "in-b"],
      codec,
      logger: quietLogger,
      maxRetries: 0,
      maxRedeliveries: 0,
      deadLetterTopic: "multi-dlq",
      process: () => {
        throw new Error("nope");
      },
    });
    await runner.start();
    await transport.publish("in-a", bytes({ n: 1 }));
    await transport.publish("in-b", bytes({ n: 2 }));
    await transport.publish("in-b", new TextEncoder().encode("undecodable"));
    await waitFor(() => runner.stats().deadLettered === 3, "3 dead-lettered");
    await runner.stop();
    const dlq = await readTopic(transport, "multi-dlq");
    assert.deepEqual(dlq.map((m) => m.properties.REAL_TOPIC).sort(), ["in-a", "in-b", "in-b"]);
    await transport.close();
  });
});
