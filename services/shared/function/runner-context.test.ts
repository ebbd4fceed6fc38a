/** The Context handed to process(): record metadata, config, secrets, logger, metrics. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMetricsRegistry } from "../metrics.ts";
import { createMemoryTransport } from "../transport/memory/memory-transport.ts";
import { createFunctionRunner } from "./runner.ts";
import type { Context, RecordInfo } from "./types.ts";
import { bytes, capturingLogger, jsonCodec, quietLogger, waitFor } from "./test-helpers.ts";

interface In {
  n: number;
}
const codec = jsonCodec<In>();

describe("function runner: context", () => {
  it("exposes the record's key, properties, event time, topic, message id and redelivery count", async () => {
    const transport = await createMemoryTransport();
    const records: RecordInfo[] = [];
    const runner = createFunctionRunner<In>({
      name: "ctx",
      transport,
      inputs: ["in"],
      codec,
      logger: quietLogger,
      maxRetries: 0,
      nackDelayMs: 5,
      process: (_input, ctx) => {
        records.push({ ...ctx.record, properties: { ...ctx.record.properties } });
        if (ctx.record.redeliveryCount === 0) throw new Error("once more");
      },
    });
    await runner.start();
    const id = await transport.publish("in", bytes({ n: 1 }), { key: "card-1", properties: { "event-id": "e1", "schema-version": "2" }, eventTime: 1700000000000 });
    await waitFor(() => runner.stats().processed === 1, "processed");
    await runner.stop();
    assert.equal(records.length, 2);
    for (const [i, r] of records.entries()) {
      assert.equal(r.topic, "in");
      assert.equal(r.messageId, id);
      assert.equal(r.key, "card-1");
      assert.deepEqual(r.properties, { "event-id": "e1", "schema-version": "2" });
      assert.equal(r.eventTime, 1700000000000);
      assert.equal(r.redeliveryCount, i);
    }
    await transport.close();
  });

  it("gives config, secrets, a logger bound to the function, and metrics", async () => {
    const transport = await createMemoryTransport();
    const metrics = createMetricsRegistry();
    const { logger, lines } = capturingLogger("info");
    let seen: Record<string, unknown> | undefined;
    const runner = createFunctionRunner<In>({
      name: "configured",
      transport,
      inputs: ["in"],
      codec,
      logger,
      metrics,
      config: { threshold: 0.5 },
      secrets: { apiToken: "s3cr3t" },
      process: (input, ctx) => {
        seen = {
          functionName: ctx.functionName,
          config: ctx.config,
          token: ctx.secret("apiToken"),
          missing: ctx.secret("nope"),
          inherited: ctx.secret("toString"),
        };
        ctx.logger.info("scored", { n: input.n });
        ctx.metrics.add("scored_total");
      },
    });
    await runner.start();
    await transport.publish("in", bytes({ n: 4 }));
    await waitFor(() => runner.stats().processed === 1, "processed");
    await runner.stop();
    assert.deepEqual(seen, { functionName: "configured", config: { threshold: 0.5 }, token: "s3cr3t", missing: undefined, inherited: undefined });
    assert.ok(Object.isFrozen(seen?.config), "config is read-only");
    const line = lines.find((l) => l.msg === "scored");
    assert.equal(line?.function, "configured");
    assert.equal(line?.n, 4);
    assert.ok(!JSON.stringify(lines).includes("s3cr3t"), "secrets are never logged");
    const snap = metrics.snapshot();
    assert.equal(snap.counters.scored_total, 1);
    assert.equal(snap.histograms.process_duration_ms?.count, 1);
    await transport.close();
  });

  it("refuses publishing and state writes after process() returned", async () => {
    const transport = await createMemoryTransport();
    let kept: Context | undefined;
    const runner = createFunctionRunner<In>({
      name: "late",
      transport,
      inputs: ["in"],
      codec,
      stateful: true,
      logger: quietLogger,
      process: (_input, ctx) => void (kept = ctx),
    });
    await runner.start();
    await transport.publish("in", bytes({ n: 1 }));
    await waitFor(() => runner.stats().processed === 1, "processed");
    assert.throws(() => kept?.publish("out", codec, { n: 2 }), { code: "FAILED_PRECONDITION" });
    assert.throws(() => kept?.state.put("x", 1), { code: "FAILED_PRECONDITION" });
    assert.equal(runner.state.get("x"), undefined);
    await runner.stop();
    await transport.close();
  });
});
