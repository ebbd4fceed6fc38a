import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isValidSpanId, isValidTraceId } from "@opentelemetry/api";
import { TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace";
import { fastIdGenerator } from "./ids.ts";

describe("fastIdGenerator", () => {
  it("makes valid W3C ids: lowercase hex of the right length, never all zeros", () => {
    for (let i = 0; i < 1000; i++) {
      const t = fastIdGenerator.generateTraceId();
      const s = fastIdGenerator.generateSpanId();
      assert.match(t, /^[0-9a-f]{32}$/);
      assert.match(s, /^[0-9a-f]{16}$/);
      assert.ok(isValidTraceId(t) && isValidSpanId(s));
    }
  });

  it("is random enough for ratio sampling: every hex digit position varies, and 10% of trace ids are sampled at 0.1", () => {
    const ids = Array.from({ length: 20_000 }, () => fastIdGenerator.generateTraceId());
    for (let pos = 0; pos < 32; pos++) assert.equal(new Set(ids.map((id) => id[pos])).size, 16, `digit ${pos} takes all 16 values`);
    assert.equal(new Set(ids).size, ids.length, "no repeats");
    const sampler = new TraceIdRatioBasedSampler(0.1);
    const sampled = ids.filter((id) => sampler.shouldSample({} as never, id).decision !== 0).length;
    assert.ok(sampled > 1_700 && sampled < 2_300, `sampled ${sampled} of 20,000 at 0.1`);
  });
});
