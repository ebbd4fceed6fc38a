/**
 * What "one event, one trace across the six services" means, checked on a trace read back from
 * Jaeger's query API: the shared assertions of the embedded and the Pulsar variants.
 */
import assert from "node:assert/strict";
import type { Jaeger, JaegerSpan, JaegerTrace, OtlpSpan } from "../support/jaeger.ts";

export const SIX = ["ingest", "validate", "feature", "infer", "train", "drift-monitor"] as const;

export const tag = (span: JaegerSpan, key: string): unknown => span.tags.find((t) => t.key === key)?.value;
export const serviceOf = (trace: JaegerTrace, span: JaegerSpan): string => trace.processes[span.processID]?.serviceName ?? "?";

/** Polls Jaeger until a trace holding spans of all six services shows up; returns it. */
export async function findSixServiceTrace(jaeger: Jaeger, timeoutMs = 30_000): Promise<JaegerTrace> {
  const deadline = Date.now() + timeoutMs;
  let seen = "";
  for (;;) {
    const candidates = await jaeger.traces("drift-monitor", { operation: "process predictions", limit: "20" });
    for (const summary of candidates) {
      const full = await jaeger.trace(summary.traceID);
      if (full === undefined) continue;
      const services = new Set(full.spans.map((s) => serviceOf(full, s)));
      seen = [...services].sort().join(",");
      if (SIX.every((s) => services.has(s))) return full;
    }
    if (Date.now() > deadline) assert.fail(`no trace with all six services in Jaeger (last seen: ${seen || "no trace"}; services: ${(await jaeger.services()).join(",")})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The one span of `trace` with this service and operation (asserting there is exactly one). */
export function spanOf(trace: JaegerTrace, service: string, operation: string | RegExp): JaegerSpan {
  const found = trace.spans.filter((s) => serviceOf(trace, s) === service && (typeof operation === "string" ? s.operationName === operation : operation.test(s.operationName)));
  assert.equal(found.length, 1, `exactly one ${service} span "${operation}" (found ${found.length}: ${trace.spans.map((s) => `${serviceOf(trace, s)}:${s.operationName}`).join(", ")})`);
  return found[0];
}

/**
 * In Jaeger's model (api/traces) a span's parent is its first reference: CHILD_OF, or FOLLOWS_FROM when
 * the OTel parent is also linked (Jaeger's OTLP translation then keeps one reference, the link's).
 * `linked`: the span must also reference (link to) it.
 */
export function assertChildOf(child: JaegerSpan, parent: JaegerSpan, linked?: JaegerSpan): void {
  assert.equal(child.references[0]?.spanID, parent.spanID, `${child.operationName}'s parent is ${parent.operationName}`);
  if (linked !== undefined) {
    assert.ok(
      child.references.some((r) => r.refType === "FOLLOWS_FROM" && r.spanID === linked.spanID),
      `${child.operationName} links to ${linked.operationName}`,
    );
  } else assert.equal(child.references[0]?.refType, "CHILD_OF", `${child.operationName} is a CHILD_OF ${parent.operationName}`);
}

/**
 * The exact OpenTelemetry relations from api/v3: every CONSUMER span's parent is a PRODUCER span of
 * the same trace, and it links to that same span; every PRODUCER span but the root has a parent.
 */
export function assertOtlpRelations(spans: OtlpSpan[]): void {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const consumers = spans.filter((s) => s.kind === 5);
  assert.ok(consumers.length >= 6, `consumer spans: ${consumers.length}`);
  for (const c of consumers) {
    const parent = c.parentSpanId === undefined ? undefined : byId.get(c.parentSpanId);
    assert.equal(parent?.kind, 4, `${c.service} ${c.name}: parent is a PRODUCER span (${parent?.service} ${parent?.name})`);
    assert.equal(parent?.name.replace(/^send /, ""), c.name.replace(/^process /, ""), `${c.name}: parent sent to the same topic`);
    assert.ok(c.links.some((l) => l.spanId === c.parentSpanId && l.traceId === c.traceId), `${c.service} ${c.name}: links to its producer`);
  }
  const roots = spans.filter((s) => s.parentSpanId === undefined);
  assert.deepEqual(roots.map((r) => `${r.service} ${r.name}`), ["ingest send events.raw"], "ingest's send is the only root");
}

/**
 * The whole shape of an event's trace: ingest's send → validate → feature → infer, train and
 * drift-monitor (features), infer → drift-monitor (predictions); the event's label in the same trace
 * (ingest's `send labels` a child of the event's send → train and drift-monitor); messaging attributes;
 * model version.
 */
export function assertEventTrace(trace: JaegerTrace, system: string, topic: (logical: string) => string = (t) => t): void {
  const sendRaw = spanOf(trace, "ingest", `send ${topic("events.raw")}`);
  const validate = spanOf(trace, "validate", `process ${topic("events.raw")}`);
  const sendValid = spanOf(trace, "validate", `send ${topic("events.valid")}`);
  const feature = spanOf(trace, "feature", `process ${topic("events.valid")}`);
  const sendFeatures = spanOf(trace, "feature", `send ${topic("features")}`);
  const infer = spanOf(trace, "infer", `process ${topic("features")}`);
  const inference = spanOf(trace, "infer", /^infer /);
  const sendPredictions = spanOf(trace, "infer", `send ${topic("predictions")}`);
  const train = spanOf(trace, "train", `process ${topic("features")}`);
  const driftFeatures = spanOf(trace, "drift-monitor", `process ${topic("features")}`);
  const driftPredictions = spanOf(trace, "drift-monitor", `process ${topic("predictions")}`);
  const sendLabel = spanOf(trace, "ingest", `send ${topic("labels")}`);
  const trainLabel = spanOf(trace, "train", `process ${topic("labels")}`);
  const driftLabel = spanOf(trace, "drift-monitor", `process ${topic("labels")}`);

  assert.equal(sendRaw.references.length, 0, "ingest's send is the root");
  assertChildOf(validate, sendRaw, sendRaw);
  assertChildOf(sendValid, validate);
  assertChildOf(feature, sendValid, sendValid);
  assertChildOf(sendFeatures, feature);
  for (const consumer of [infer, train, driftFeatures]) assertChildOf(consumer, sendFeatures, sendFeatures);
  assertChildOf(inference, infer);
  assertChildOf(sendPredictions, infer);
  assertChildOf(driftPredictions, sendPredictions, sendPredictions);
  // One sampling decision per event: its label continues its trace.
  assertChildOf(sendLabel, sendRaw);
  for (const consumer of [trainLabel, driftLabel]) assertChildOf(consumer, sendLabel, sendLabel);

  for (const s of [sendRaw, sendValid, sendFeatures, sendPredictions, sendLabel]) {
    assert.equal(tag(s, "span.kind"), "producer", `${s.operationName} is a PRODUCER span`);
    assert.equal(tag(s, "messaging.operation.type"), "send");
  }
  for (const s of [validate, feature, infer, train, driftFeatures, driftPredictions, trainLabel, driftLabel]) {
    assert.equal(tag(s, "span.kind"), "consumer", `${s.operationName} is a CONSUMER span`);
    assert.equal(tag(s, "messaging.operation.type"), "process");
    assert.equal(typeof tag(s, "messaging.destination.subscription.name"), "string");
  }
  for (const s of [sendRaw, validate, sendValid, feature, sendFeatures, infer, sendPredictions, train, driftFeatures, driftPredictions, sendLabel, trainLabel, driftLabel]) {
    assert.equal(tag(s, "messaging.system"), system, `${s.operationName}: messaging.system`);
    assert.equal(tag(s, "messaging.destination.name"), s.operationName.replace(/^(send|process) /, ""), `${s.operationName}: destination`);
  }
  const eventId = tag(sendRaw, "rtml.event.id");
  assert.equal(typeof eventId, "string");
  assert.equal(tag(driftPredictions, "rtml.event.id"), eventId, "the same event all the way");
  assert.equal(tag(sendLabel, "rtml.event.id"), eventId, "and its label");
  const version = tag(inference, "rtml.model.version");
  assert.equal(typeof version, "number", "the inference span names the model version");
  assert.ok((version as number) >= 0);
  assert.equal(typeof tag(inference, "rtml.model.name"), "string");
  for (const name of SIX) {
    const process = Object.values(trace.processes).find((p) => p.serviceName === name);
    assert.ok(process, `a process for ${name}`);
    assert.ok(process.tags.some((t) => t.key === "service.instance.id"), `${name} has service.instance.id`);
    assert.ok(process.tags.some((t) => t.key === "service.version"), `${name} has service.version`);
  }
}
