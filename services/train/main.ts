/** train's wiring: features and labels joined by event id, drift alerts, snapshots out on `models`. */
import { createFunctionRunner } from "../shared/function/runner.ts";
import { codecs } from "../shared/messages.ts";
import { startRunners, type RunningService, type ServiceDeps } from "../shared/service.ts";
import { Topics } from "../shared/topics.ts";
import { attachGrpc } from "../shared/grpc/serve.ts";
import { createTrainGrpc } from "./grpc.ts";
import { createModel } from "./models.ts";
import { createTrainService, type TrainService } from "./train.ts";

export async function startTrain(deps: ServiceDeps): Promise<RunningService & { train: TrainService }> {
  const { transport, config } = deps;
  const train = createTrainService({
    createModel: () => createModel(config.model),
    snapshotEvery: config.snapshotEvery,
    logger: deps.logger,
    publish: async (s) => void (await transport.publish(Topics.models, codecs.modelSnapshot.encode(s), { key: s.modelName })),
  });
  await transport.ensureTopic(Topics.models, { compacted: true });
  let latest;
  for await (const msg of transport.read(Topics.models)) latest = codecs.modelSnapshot.decode(msg.payload);
  if (latest) train.restore(latest);
  const common = { transport, logger: deps.logger, metrics: deps.metrics, maxInFlight: config.maxInFlight };
  // One join buffer across both inputs: shared subscriptions would split an event's pair across replicas,
  // so train consumes with failover (one active replica, the others standing by).
  const runners = [
    createFunctionRunner({ ...common, name: "train", inputs: [Topics.features], codec: codecs.featureVector, process: train.onFeatures, subscriptionType: "failover" }),
    createFunctionRunner({ ...common, name: "train-labels", subscription: "train", inputs: [Topics.labels], codec: codecs.label, process: train.onLabel, subscriptionType: "failover" }),
    createFunctionRunner({ ...common, name: "train-alerts", subscription: "train", inputs: [Topics.alerts], codec: codecs.driftAlert, process: train.onAlert, subscriptionType: "failover" }),
  ];
  const running = { ...(await startRunners("train", runners)), train };
  return attachGrpc(running, deps, { service: "train", bindings: () => [createTrainGrpc(train)] });
}
