/** train's wiring: features and labels joined by event id, drift alerts, snapshots out on `models`. */
import { createFunctionRunner } from "../shared/function/runner.ts";
import { codecs } from "../shared/messages.ts";
import { startRunners, type RunningService, type ServiceDeps } from "../shared/service.ts";
import { Topics } from "../shared/topics.ts";
import { observeGauges } from "../shared/telemetry/gauges.ts";
import { ATTR_MODEL_NAME } from "../shared/telemetry/semconv.ts";
import { tracePublish } from "../shared/telemetry/messaging.ts";
import { noopTelemetry } from "../shared/telemetry/telemetry.ts";
import { attachGrpc } from "../shared/grpc/serve.ts";
import { createTrainGrpc } from "./grpc.ts";
import { createModel } from "./models.ts";
import { createTrainService, type TrainService } from "./train.ts";

export async function startTrain(deps: ServiceDeps): Promise<RunningService & { train: TrainService }> {
  const { transport, config } = deps;
  // Snapshots go out under a PRODUCER span, a child of the process span of the message that made them.
  const publishModel = tracePublish(deps.telemetry ?? noopTelemetry, transport.name, (topic, payload, options) => transport.publish(topic, payload, options));
  const train = createTrainService({
    createModel: () => createModel(config.model),
    snapshotEvery: config.snapshotEvery,
    logger: deps.logger,
    publish: async (s) => void (await publishModel(Topics.models, codecs.modelSnapshot.encode(s), { key: s.modelName })),
  });
  await transport.ensureTopic(Topics.models, { compacted: true });
  let latest;
  for await (const msg of transport.read(Topics.models)) latest = codecs.modelSnapshot.decode(msg.payload);
  if (latest) train.restore(latest);
  const common = { transport, logger: deps.logger, metrics: deps.metrics, telemetry: deps.telemetry, maxInFlight: config.maxInFlight, maxBatch: config.maxBatch };
  // One join buffer across both inputs: shared subscriptions would split an event's pair across replicas,
  // so train consumes with failover (one active replica, the others standing by).
  const runners = [
    createFunctionRunner({ ...common, name: "train", inputs: [Topics.features], codec: codecs.featureVector, process: train.onFeatures, subscriptionType: "failover" }),
    createFunctionRunner({ ...common, name: "train-labels", subscription: "train", inputs: [Topics.labels], codec: codecs.label, process: train.onLabel, subscriptionType: "failover" }),
    createFunctionRunner({ ...common, name: "train-alerts", subscription: "train", inputs: [Topics.alerts], codec: codecs.driftAlert, process: train.onAlert, subscriptionType: "failover" }),
  ];
  const unobserve = observeGauges(deps.telemetry, [
    { name: "rtml.train.model.version", description: "Version of the latest model snapshot train published" },
    { name: "rtml.train.model.updates", description: "Model snapshots published" },
  ], () => {
    const s = train.stats();
    return [["rtml.train.model.version", s.version, { [ATTR_MODEL_NAME]: config.model }], ["rtml.train.model.updates", s.updates]];
  });
  const started = await startRunners("train", runners);
  const running = { ...started, train, stop: async () => (unobserve(), started.stop()) };
  return attachGrpc(running, deps, { service: "train", bindings: () => [createTrainGrpc(train)] });
}
