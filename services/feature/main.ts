/**
 * feature's wiring: keyed by entity (key_shared), stateful, effectively-once by event id. When the schema
 * has label-based aggregates (e.g. the fraud handbook's terminal risk), the function also consumes
 * `labels` (keyed by entity too), in the same runner, so the labels fill the windows in the same keyed state.
 */
import { createFunctionRunner } from "../shared/function/runner.ts";
import { codecs, type Codec, type Event, type Label } from "../shared/messages.ts";
import { startRunners, type RunningService, type ServiceDeps } from "../shared/service.ts";
import { Topics } from "../shared/topics.ts";
import type { FeatureLookup } from "../shared/feature-lookup.ts";
import { attachGrpc } from "../shared/grpc/serve.ts";
import { createFeatureService, type FeatureService } from "./feature.ts";
import { createFeatureGrpc, createLocalFeatureLookup } from "./grpc.ts";
import { crossEntityKeys } from "./keyed.ts";

export async function startFeature(
  deps: ServiceDeps,
  options: { emitRaw?: boolean } = {},
): Promise<RunningService & { feature: FeatureService; featureLookup: FeatureLookup }> {
  const feature = createFeatureService({ schema: deps.schema, emitRaw: options.emitRaw });
  const crossEntity = crossEntityKeys(deps.schema);
  if (crossEntity.length > 0 && deps.config.transport === "pulsar") {
    // Pulsar's key_shared spreads entities over the replicas, so each would see part of a terminal's events.
    deps.logger.warn(`aggregates keyed by ${crossEntity.join(", ")} (not the entity) are exact only while one feature replica consumes ${Topics.eventsValid}; with several, each sees its entities' share (docs/architecture.md)`, { by: crossEntity });
  }
  const runner = createFunctionRunner<Event | Label>({
    name: "feature",
    transport: deps.transport,
    inputs: feature.needsLabels ? [Topics.eventsValid, Topics.labels] : [Topics.eventsValid],
    codec: codecs.event as Codec<Event | Label>,
    inputCodecs: { [Topics.labels]: codecs.label as Codec<Event | Label> },
    process: (input, ctx) => (ctx.record.topic === Topics.labels ? feature.processLabel(input as Label, ctx) : feature.process(input as Event, ctx)),
    subscriptionType: "key_shared",
    stateful: true,
    dedupByEventId: true,
    maxInFlight: deps.config.maxInFlight,
    maxBatch: deps.config.maxBatch,
    logger: deps.logger,
    metrics: deps.metrics,
    telemetry: deps.telemetry,
  });
  // In-process lookups (infer's Predict under `rtml up`) and gRPC GetFeatures read the function's keyed state.
  const running = { ...(await startRunners("feature", [runner])), feature, featureLookup: createLocalFeatureLookup(feature, runner.state) };
  return attachGrpc(running, deps, { service: "feature", bindings: () => [createFeatureGrpc(feature, runner.state)] });
}
