/**
 * The whole loop in one process: the five consuming services on one transport (`rtml up`, the
 * end-to-end tests and the benchmark use this). Each service is started through its own main.ts, the
 * same entry `rtml serve <service>` uses, so embedded and distributed runs share all their wiring.
 */
import { startDriftMonitor } from "../drift-monitor/main.ts";
import { startFeature } from "../feature/main.ts";
import { startInfer } from "../infer/main.ts";
import type { ServiceDeps } from "../shared/service.ts";
import { startTrain } from "../train/main.ts";
import { startValidate } from "../validate/main.ts";

export type Mesh = Awaited<ReturnType<typeof startMesh>>;

export async function startMesh(deps: ServiceDeps, options: { emitRaw?: boolean } = {}) {
  // Downstream first, so nothing published upstream waits on a missing consumer.
  const driftMonitor = await startDriftMonitor(deps);
  const train = await startTrain(deps);
  const infer = await startInfer(deps);
  const feature = await startFeature(deps, options);
  const validate = await startValidate(deps);
  const services = [validate, feature, infer, train, driftMonitor];
  return {
    validate,
    feature,
    infer,
    train,
    driftMonitor,
    services,
    /** Stops upstream first, so every in-flight message can still be consumed downstream. */
    async stop() {
      for (const s of services) await s.stop();
    },
  };
}
