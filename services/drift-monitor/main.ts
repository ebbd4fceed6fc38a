/** drift-monitor's wiring: predictions and labels joined by event id, features for data drift. */
import { createFunctionRunner } from "../shared/function/runner.ts";
import { codecs } from "../shared/messages.ts";
import { startRunners, type RunningService, type ServiceDeps } from "../shared/service.ts";
import { Topics } from "../shared/topics.ts";
import { observeGauges } from "../shared/telemetry/gauges.ts";
import { attachGrpc } from "../shared/grpc/serve.ts";
import { createDriftMonitor, type DriftMonitor } from "./drift-monitor.ts";
import { createDriftGrpc } from "./grpc.ts";

export async function startDriftMonitor(deps: ServiceDeps): Promise<RunningService & { monitor: DriftMonitor }> {
  const monitor = createDriftMonitor();
  const common = {
    transport: deps.transport, logger: deps.logger, metrics: deps.metrics, telemetry: deps.telemetry, maxInFlight: deps.config.maxInFlight, maxBatch: deps.config.maxBatch,
    subscription: "drift-monitor", subscriptionType: "failover" as const,
  };
  const runners = [
    createFunctionRunner({ ...common, name: "drift-monitor", inputs: [Topics.predictions], codec: codecs.prediction, process: monitor.onPrediction }),
    createFunctionRunner({ ...common, name: "drift-monitor-labels", inputs: [Topics.labels], codec: codecs.label, process: monitor.onLabel }),
    createFunctionRunner({ ...common, name: "drift-monitor-features", inputs: [Topics.features], codec: codecs.featureVector, process: monitor.onFeatures }),
  ];
  const unobserve = observeDriftMonitor(deps, monitor);
  const started = await startRunners("drift-monitor", runners);
  const running = { ...started, monitor, stop: async () => (unobserve(), started.stop()) };
  return attachGrpc(running, deps, { service: "drift-monitor", bindings: () => [createDriftGrpc(monitor)] });
}

/** Prequential metrics (windowed and cumulative), the scored model version and the detectors' statistics as gauges. */
function observeDriftMonitor(deps: ServiceDeps, monitor: DriftMonitor): () => void {
  const metrics = ["accuracy", "kappa", "kappa_t", "f1", "roc_auc"];
  return observeGauges(deps.telemetry, [
    ...metrics.map((m) => ({ name: `rtml.model.${m}`, description: `Prequential ${m} (attribute window: sliding or cumulative)` })),
    { name: "rtml.drift.statistic", description: "Each drift detector's current statistic" },
    { name: "rtml.drift.detections", description: "Drifts each detector has detected" },
    { name: "rtml.drift.alerts.suppressed", description: "ADWIN detections not alerted (cooldown or improvement)" },
    { name: "rtml.drift.model.version", description: "Model version of the predictions being scored" },
    { name: "rtml.drift.labelled", description: "Predictions scored against their label" },
  ], () => {
    const s = monitor.status();
    return [
      ...metrics.flatMap((m) => [
        [`rtml.model.${m}`, s.metrics[m], { window: "sliding" }] as const,
        [`rtml.model.${m}`, s.cumulative[m], { window: "cumulative" }] as const,
      ]),
      ...s.detectors.flatMap((d) => [
        ["rtml.drift.statistic", d.statistic, { detector: d.name, feature: d.feature }] as const,
        ["rtml.drift.detections", d.detections, { detector: d.name, feature: d.feature }] as const,
      ]),
      ["rtml.drift.alerts.suppressed", s.suppressed],
      ["rtml.drift.model.version", s.modelVersion],
      ["rtml.drift.labelled", s.labelled],
    ];
  });
}
