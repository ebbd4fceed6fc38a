import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readDataset } from "../shared/dataset/readers.ts";
import { resolveDataset } from "../shared/dataset/resolve.ts";
import type { DatasetSchema } from "../shared/dataset/schema.ts";
import { loadSchema } from "../shared/dataset/schema-loader.ts";
import { testSchema } from "../shared/dataset/test-schemas.ts";
import type { Context, KeyedState } from "../shared/function/types.ts";
import { createLogger } from "../shared/logger.ts";
import { codecs, RejectCode, type Codec, type Event, type RejectedEvent } from "../shared/messages.ts";
import { createMetricsRegistry } from "../shared/metrics.ts";
import { Topics } from "../shared/topics.ts";
import type { PublishOptions } from "../shared/transport/transport.ts";
import { compileSchema, createValidateFunction, statsStateKey, type ValidateFunction } from "./validate.ts";

interface Output {
  topic: string;
  message: unknown;
  payload: Uint8Array;
  options?: PublishOptions;
}

/** A tiny Context: publish records outputs (encoded, as the runner would), state is a Map. */
function createTestContext(state = new Map<string, unknown>()) {
  const outputs: Output[] = [];
  const metrics = createMetricsRegistry();
  const keyed: KeyedState = {
    get: <T>(k: string) => state.get(k) as T | undefined,
    put: (k, v) => void state.set(k, structuredClone(v)),
    incr: (k, by = 1) => {
      const n = ((state.get(k) as number) ?? 0) + by;
      state.set(k, n);
      return n;
    },
    delete: (k) => void state.delete(k),
  };
  const context: Context = {
    functionName: "validate",
    record: { topic: Topics.eventsRaw, messageId: "m1", key: "k-from-record", properties: { traceparent: "00-abc-def-01", "event-id": "prop-id" }, eventTime: 5, redeliveryCount: 0 },
    state: keyed,
    logger: createLogger({ level: "silent" }),
    metrics,
    config: {},
    secret: () => undefined,
    publish<T>(topic: string, codec: Codec<T>, message: Partial<T>, options?: PublishOptions) {
      outputs.push({ topic, message, payload: codec.encode(message), options });
    },
  };
  return { context, outputs, state, metrics };
}

/** What the runner does with one delivered payload: decode (or hand to onDecodeError), then process. */
async function deliver(fn: ValidateFunction, payload: Uint8Array, context: Context): Promise<void> {
  let event: Event;
  try {
    event = fn.codec.decode(payload);
  } catch (err) {
    await fn.onDecodeError(payload, err as Error, context);
    return;
  }
  await fn(event, context);
}

const schema = testSchema({
  name: "shop",
  version: "2",
  entityField: "customer",
  maxEventBytes: 2048,
  fields: [
    { name: "amount", type: "number", required: true, min: 0, impute: "mean" },
    { name: "items", type: "integer", min: 1, max: 100 },
    { name: "online", type: "boolean", impute: "constant", imputeValue: false },
    { name: "channel", type: "category", values: ["web", "store"], impute: "mode" },
    { name: "note", type: "string" },
  ],
});

const event = (fields: Event["fields"], over: Partial<Event> = {}): Event => ({
  eventId: "e1", entityId: "c1", eventTimeMs: 1_000, ingestTimeMs: 1_001, fields, dataset: "shop", schemaVersion: "2", sequence: 7, ...over,
});

const good = { amount: { number: 10 }, items: { number: 2 }, online: { flag: true }, channel: { text: "web" }, note: { text: "hi" } };

function rejected(out: Output): RejectedEvent {
  assert.equal(out.topic, Topics.eventsRejected);
  return codecs.rejectedEvent.decode(out.payload);
}

describe("compileSchema", () => {
  it("accepts a valid event and normalizes it", () => {
    const r = compileSchema(schema).validate(event({ ...good, extra: { text: "x" } }));
    assert.ok(r.ok);
    assert.deepEqual(r.event.fields, good);
    assert.deepEqual(r.unknownFields, ["extra"]);
    const kept = compileSchema(schema, { unknownFields: "keep" }).validate(event({ ...good, extra: { text: "x" } }));
    assert.ok(kept.ok && kept.event.fields.extra?.text === "x");
  });

  it("rejects wrong types, including numeric text in a number field, with every reason", () => {
    const r = compileSchema(schema).validate(
      event({ amount: { text: "3.5" }, items: { number: 2.5 }, online: { number: 1 }, channel: { number: 1 }, note: { flag: true } }),
    );
    assert.ok(!r.ok);
    assert.deepEqual(r.reasons.map((x) => [x.code, x.field]), [
      [RejectCode.WRONG_TYPE, "amount"], [RejectCode.WRONG_TYPE, "items"], [RejectCode.WRONG_TYPE, "online"],
      [RejectCode.WRONG_TYPE, "channel"], [RejectCode.WRONG_TYPE, "note"],
    ]);
    assert.match(r.reasons[0].message, /field "amount": expected number, got text "3.5"/);
    assert.match(r.reasons[1].message, /expected integer, got 2.5/);
  });

  it("rejects NaN and ±Infinity as NOT_FINITE, ranges as OUT_OF_RANGE, unknown categories", () => {
    const v = compileSchema(schema);
    for (const x of [Number.NaN, Infinity, -Infinity]) {
      const r = v.validate(event({ ...good, amount: { number: x } }));
      assert.ok(!r.ok && r.reasons[0].code === RejectCode.NOT_FINITE && /not a finite number/.test(r.reasons[0].message));
    }
    const r = v.validate(event({ ...good, amount: { number: -1 }, items: { number: 101 }, channel: { text: "phone" } }));
    assert.ok(!r.ok);
    assert.deepEqual(r.reasons.map((x) => x.code), [RejectCode.OUT_OF_RANGE, RejectCode.OUT_OF_RANGE, RejectCode.UNKNOWN_CATEGORY]);
    assert.match(r.reasons[1].message, /101 is outside \[1, 100\]/);
  });

  it("missing: required → MISSING_FIELD until a mean exists; then imputes mean, mode and constant", () => {
    const v = compileSchema(schema);
    const first = v.validate(event({ items: { number: 1 } }));
    assert.ok(!first.ok && first.reasons[0].code === RejectCode.MISSING_FIELD && /"amount" is missing/.test(first.reasons[0].message));
    assert.ok(v.validate(event({ amount: { number: 10 }, channel: { text: "store" } })).ok);
    assert.ok(v.validate(event({ amount: { number: 20 }, channel: { text: "store" } })).ok);
    assert.ok(v.validate(event({ amount: { number: 30 }, channel: { text: "web" } })).ok);
    const filled = v.validate(event({ amount: { null: true }, items: { number: 3 } }));
    assert.ok(filled.ok);
    assert.deepEqual(filled.event.fields, { amount: { number: 20 }, items: { number: 3 }, online: { flag: false }, channel: { text: "store" } });
    assert.deepEqual(filled.imputed.sort(), ["amount", "channel", "online"]);
    assert.equal(v.stats.snapshot().numeric.amount.count, 3, "imputed values do not feed the statistics");
    const dry = compileSchema(schema);
    dry.validate(event(good), { dryRun: true });
    assert.equal(dry.stats.snapshot().events, 0);
  });

  it("missing ids are MISSING_ID; a schema without entity field fills its default entity", () => {
    const r = compileSchema(schema).validate(event(good, { eventId: "", entityId: "", eventTimeMs: 0 }));
    assert.ok(!r.ok);
    assert.deepEqual(r.reasons.map((x) => [x.code, x.field]), [[RejectCode.MISSING_ID, "eventId"], [RejectCode.MISSING_ID, "entityId"], [RejectCode.MISSING_ID, "eventTimeMs"]]);
    const elec = compileSchema(loadSchema("elec2"));
    const fields = Object.fromEntries(elec.schema.fields.map((f) => [f.name, { number: 1 }]));
    const ok = elec.validate(event(fields, { entityId: "", dataset: "elec2" }));
    assert.ok(ok.ok && ok.event.entityId === "nsw");
  });
});

describe("createValidateFunction", () => {
  const make = () => createValidateFunction({ schemas: [schema, loadSchema("elec2")], now: () => 99, checkpointEvery: 2 });

  it("publishes a valid event to events.valid keyed by entity, keeping trace properties", async () => {
    const fn = make();
    const { context, outputs } = createTestContext();
    await deliver(fn, codecs.event.encode(event(good)), context);
    assert.equal(outputs.length, 1);
    assert.equal(outputs[0].topic, Topics.eventsValid);
    assert.equal(outputs[0].options?.key, "c1");
    assert.deepEqual(outputs[0].options?.properties, { traceparent: "00-abc-def-01", "event-id": "e1", "schema-version": "2" });
    assert.equal(codecs.event.decode(outputs[0].payload).fields.amount.number, 10);
    assert.deepEqual(fn.stats(), { accepted: 1, rejected: 0, byCode: {} });
  });

  const badInputs: [string, () => Uint8Array, number, RegExp][] = [
    ["malformed protobuf", () => new Uint8Array([0xff, 0xff, 0xff, 0xff]), RejectCode.MALFORMED, /not a decodable Event/],
    ["oversize payload (before decode)", () => codecs.event.encode(event({ ...good, note: { text: "x".repeat(70_000) } })), RejectCode.OVERSIZE, /exceeds the limit of 65536/],
    ["oversize for its schema", () => codecs.event.encode(event({ ...good, note: { text: "x".repeat(3000) } })), RejectCode.OVERSIZE, /exceeds shop's limit of 2048/],
    ["wrong type", () => codecs.event.encode(event({ ...good, amount: { text: "abc" } })), RejectCode.WRONG_TYPE, /expected number, got text "abc"/],
    ["NaN", () => codecs.event.encode(event({ ...good, amount: { number: Number.NaN } })), RejectCode.NOT_FINITE, /NaN is not a finite number/],
    ["Infinity", () => codecs.event.encode(event({ ...good, amount: { number: Infinity } })), RejectCode.NOT_FINITE, /Infinity is not a finite/],
    ["missing field", () => codecs.event.encode(event({ items: { number: 1 } })), RejectCode.MISSING_FIELD, /required field "amount" is missing/],
    ["missing entity", () => codecs.event.encode(event(good, { entityId: "" })), RejectCode.MISSING_ID, /no entity id/],
    ["unknown dataset", () => codecs.event.encode(event(good, { dataset: "kdd" })), RejectCode.UNKNOWN_DATASET, /unknown dataset "kdd"/],
  ];
  for (const [name, payload, code, message] of badInputs) {
    it(`${name} → events.rejected with code ${code} and a reason; never throws`, async () => {
      const fn = make();
      const { context, outputs, metrics } = createTestContext();
      const bytes = payload();
      await assert.doesNotReject(deliver(fn, bytes, context));
      assert.equal(outputs.length, 1);
      const r = rejected(outputs[0]);
      assert.equal(r.code, code);
      assert.match(r.reasons[0].message, message);
      assert.deepEqual([...r.payload], [...bytes], "the original bytes are kept for replay");
      assert.equal(r.sourceTopic, Topics.eventsRaw);
      assert.equal(r.rejectedTimeMs, 99);
      assert.equal(r.eventId, code === RejectCode.MALFORMED || code === RejectCode.OVERSIZE && bytes.length > 65536 ? "prop-id" : "e1");
      assert.equal(fn.stats().rejected, 1);
      assert.equal(Object.values(fn.stats().byCode)[0], 1);
      assert.ok(Object.keys(metrics.snapshot().counters).some((k) => k.startsWith("validate_rejected_total")));
    });
  }

  it("turns an internal error into a rejected event instead of throwing", async () => {
    const fn = make();
    const { context, outputs } = createTestContext();
    await assert.doesNotReject(Promise.resolve(fn({ ...event(good), fields: null } as unknown as Event, context)));
    await assert.doesNotReject(Promise.resolve(fn(null as unknown as Event, context)));
    assert.equal(outputs.length, 2);
    for (const o of outputs) assert.equal(o.topic, Topics.eventsRejected);
  });

  it("checkpoints running statistics to keyed state and restores them after a restart", async () => {
    const fn = make();
    const { context, state } = createTestContext();
    for (const amount of [10, 30]) await deliver(fn, codecs.event.encode(event({ ...good, amount: { number: amount } })), context);
    assert.equal((state.get(statsStateKey("shop")) as { numeric: { amount: { mean: number } } }).numeric.amount.mean, 20);
    const restarted = make();
    const second = createTestContext(state);
    await deliver(restarted, codecs.event.encode(event({ items: { number: 1 } })), second.context);
    assert.equal(second.outputs[0].topic, Topics.eventsValid);
    assert.equal(codecs.event.decode(second.outputs[0].payload).fields.amount.number, 20);
  });

  it("dry-runs without publishing or counting, and accepts every record of the bundled datasets", async () => {
    const schemas = ["elec2", "phishing", "bananas", "fraud-handbook"].map((n) => resolveDataset(n) as { schema: DatasetSchema; files: string[] });
    const fn = createValidateFunction({ schemas: schemas.map((s) => s.schema) });
    for (const { schema: s, files } of schemas) {
      let n = 0;
      for await (const r of readDataset(files, s, { limit: 3000 })) {
        const res = fn.dryRun({ eventId: `${s.name}-${r.index}`, entityId: r.entityId, eventTimeMs: r.eventTimeMs, ingestTimeMs: 0, fields: r.fields, dataset: s.name, schemaVersion: s.version, sequence: r.index });
        assert.ok(res.ok, `${s.name} #${r.index}: ${!res.ok && res.reasons.map((x) => x.message).join("; ")}`);
        n++;
      }
      assert.equal(n, s.name === "phishing" ? 1250 : 3000);
    }
    assert.deepEqual(fn.stats(), { accepted: 0, rejected: 0, byCode: {} });
  });
});
