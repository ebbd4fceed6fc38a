/** feature's wiring: keyed by entity (key_shared), stateful, effectively-once by event id. */
import { createFunctionRunner } from "../shared/function/runner.ts";
import { codecs } from "../shared/messages.ts";
import { startRunners, type RunningService, type ServiceDeps } from "../shared/service.ts";
import { Topics } from "../shared/topics.ts";
import { createFeatureService, type FeatureService } from "./feature.ts";

export async function startFeature(deps: ServiceDeps, options: { emitRaw?: boolean } = {}): Promise<RunningService & { feature: FeatureService }> {
  const feature = createFeatureService({ schema: deps.schema, emitRaw: options.emitRaw });
  const runner = createFunctionRunner({
    name: "feature",
    transport: deps.transport,
    inputs: [Topics.eventsValid],
    codec: codecs.event,
    process: feature.process,
    subscriptionType: "key_shared",
    stateful: true,
    dedupByEventId: true,
    maxInFlight: deps.config.maxInFlight,
    logger: deps.logger,
    metrics: deps.metrics,
  });
  return { ...(await startRunners("feature", [runner])), feature };
}
