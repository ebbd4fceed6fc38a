/** infer's wiring: features in (shared), every model snapshot in (a subscription of its own). */
import { randomUUID } from "node:crypto";
import { createFunctionRunner } from "../shared/function/runner.ts";
import { codecs } from "../shared/messages.ts";
import { startRunners, type RunningService, type ServiceDeps } from "../shared/service.ts";
import { Topics } from "../shared/topics.ts";
import { createInferService, type InferService } from "./infer.ts";

export async function startInfer(deps: ServiceDeps): Promise<RunningService & { infer: InferService }> {
  const infer = createInferService({ logger: deps.logger });
  // The latest snapshot first, so the first prediction already uses it; then every newer one.
  await deps.transport.ensureTopic(Topics.models, { compacted: true });
  for await (const msg of deps.transport.read(Topics.models)) infer.load(codecs.modelSnapshot.decode(msg.payload));
  const common = { transport: deps.transport, logger: deps.logger, metrics: deps.metrics };
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
  });
  const features = createFunctionRunner({
    ...common,
    name: "infer",
    inputs: [Topics.features],
    codec: codecs.featureVector,
    process: infer.onFeatures,
    subscriptionType: "shared",
    maxInFlight: deps.config.maxInFlight,
  });
  return { ...(await startRunners("infer", [models, features])), infer };
}
