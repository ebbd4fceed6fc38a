/** infer's wiring: features in (shared), every model snapshot in (a subscription of its own). */
import { randomUUID } from "node:crypto";
import { createFunctionRunner } from "../shared/function/runner.ts";
import { codecs } from "../shared/messages.ts";
import { startRunners, type RunningService, type ServiceDeps } from "../shared/service.ts";
import { Topics } from "../shared/topics.ts";
import { observeGauges } from "../shared/telemetry/gauges.ts";
import { ATTR_MODEL_NAME } from "../shared/telemetry/semconv.ts";
import { featureNamesOf } from "../shared/dataset/feature-names.ts";
import type { FeatureLookup } from "../shared/feature-lookup.ts";
import { createGrpcFeatureLookup } from "../shared/grpc/feature-lookup.ts";
import { clientTlsFromConfig } from "../shared/grpc/grpc-config.ts";
import { attachGrpc } from "../shared/grpc/serve.ts";
import { createInferGrpc, inferReady } from "./grpc.ts";
import { createInferService, type InferService } from "./infer.ts";

export interface InferStartOptions {
  /** Where Predict gets an event's features; default: the feature service at RTML_FEATURE_ADDR, if set. */
  featureLookup?: FeatureLookup;
}

export async function startInfer(deps: ServiceDeps, options: InferStartOptions = {}): Promise<RunningService & { infer: InferService }> {
  const tracer = deps.telemetry?.tracing ? deps.telemetry.tracer : undefined;
  const infer = createInferService({ logger: deps.logger, ...(tracer ? { tracer } : {}) });
  // The latest snapshot first, so the first prediction already uses it; then every newer one.
  await deps.transport.ensureTopic(Topics.models, { compacted: true });
  for await (const msg of deps.transport.read(Topics.models)) {
    try {
      infer.load(codecs.modelSnapshot.decode(msg.payload));
    } catch (err) {
      deps.logger.error("stored model snapshot rejected; infer starts without it", { err, messageId: msg.messageId });
    }
  }
  const common = { transport: deps.transport, logger: deps.logger, metrics: deps.metrics, telemetry: deps.telemetry };
  const models = createFunctionRunner({
    ...common,
    name: "infer-models",
    inputs: [Topics.models],
    codec: codecs.modelSnapshot,
    process: infer.onModel,
    // Every replica must see every snapshot: an exclusive subscription per instance.
    subscription: `infer-models-${randomUUID()}`,
    subscriptionType: "exclusive",
    initialPosition: "latest",
    unsubscribeOnStop: true,
  });
  const features = createFunctionRunner({
    ...common,
    name: "infer",
    inputs: [Topics.features],
    codec: codecs.featureVector,
    process: infer.onFeatures,
    subscriptionType: "shared",
    maxInFlight: deps.config.maxInFlight,
    maxBatch: deps.config.maxBatch,
  });
  const unobserve = observeGauges(deps.telemetry, [
    { name: "rtml.model.version", description: "Version of the model infer is serving (0: none yet)" },
    { name: "rtml.model.swaps", description: "Model snapshots swapped in" },
  ], () => {
    const serving = infer.current();
    return [["rtml.model.version", serving.version, { [ATTR_MODEL_NAME]: serving.name }], ["rtml.model.swaps", infer.stats().swaps]];
  });
  const started = await startRunners("infer", [models, features]);
  const running = { ...started, infer, stop: async () => (unobserve(), started.stop()) };
  const addr = deps.config.featureAddr;
  const featureLookup = options.featureLookup ?? (addr ? createGrpcFeatureLookup(addr, { tls: clientTlsFromConfig(deps.config) }) : undefined);
  const served = await attachGrpc(running, deps, {
    service: "infer",
    bindings: () => createInferGrpc({ infer, featureLookup, featureNames: featureNamesOf(deps.schema) }),
    ready: () => inferReady(infer),
  });
  if (!featureLookup || options.featureLookup) return served;
  return { ...served, stop: async () => (await served.stop(), featureLookup.close()) };
}
