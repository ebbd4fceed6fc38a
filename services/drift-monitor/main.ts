/** drift-monitor's wiring: predictions and labels joined by event id, features for data drift. */
import { createFunctionRunner } from "../shared/function/runner.ts";
import { codecs } from "../shared/messages.ts";
import { startRunners, type RunningService, type ServiceDeps } from "../shared/service.ts";
import { Topics } from "../shared/topics.ts";
import { attachGrpc } from "../shared/grpc/serve.ts";
import { createDriftMonitor, type DriftMonitor } from "./drift-monitor.ts";
import { createDriftGrpc } from "./grpc.ts";

export async function startDriftMonitor(deps: ServiceDeps): Promise<RunningService & { monitor: DriftMonitor }> {
  const monitor = createDriftMonitor();
  const common = {
    transport: deps.transport, logger: deps.logger, metrics: deps.metrics, maxInFlight: deps.config.maxInFlight,
    subscription: "drift-monitor", subscriptionType: "failover" as const,
  };
  const runners = [
    createFunctionRunner({ ...common, name: "drift-monitor", inputs: [Topics.predictions], codec: codecs.prediction, process: monitor.onPrediction }),
    createFunctionRunner({ ...common, name: "drift-monitor-labels", inputs: [Topics.labels], codec: codecs.label, process: monitor.onLabel }),
    createFunctionRunner({ ...common, name: "drift-monitor-features", inputs: [Topics.features], codec: codecs.featureVector, process: monitor.onFeatures }),
  ];
  const running = { ...(await startRunners("drift-monitor", runners)), monitor };
  return attachGrpc(running, deps, { service: "drift-monitor", bindings: () => [createDriftGrpc(monitor)] });
}
