/**
 * `rtml serve <service>`: one service in this process, as a container runs it, until SIGTERM or SIGINT,
 * then a graceful stop (in-flight messages finish and are acked).
 */
import { startDriftMonitor } from "../drift-monitor/main.ts";
import { startFeature } from "../feature/main.ts";
import { createIngestService } from "../ingest/main.ts";
import { startInfer } from "../infer/main.ts";
import type { RtmlConfig, ServiceName } from "../shared/config.ts";
import { loadSchema } from "../shared/dataset/schema-loader.ts";
import { resolveDataset } from "../shared/dataset/resolve.ts";
import type { Logger } from "../shared/logger.ts";
import { createMetricsRegistry } from "../shared/metrics.ts";
import type { RunningService, ServiceDeps } from "../shared/service.ts";
import type { Transport } from "../shared/transport/transport.ts";
import { startTrain } from "../train/main.ts";
import { startValidate } from "../validate/main.ts";

const starters: Record<Exclude<ServiceName, "ingest">, (deps: ServiceDeps) => Promise<RunningService>> = {
  validate: startValidate,
  feature: startFeature,
  infer: startInfer,
  train: startTrain,
  "drift-monitor": startDriftMonitor,
};

export async function serve(
  name: ServiceName,
  opts: { config: RtmlConfig; transport: Transport; logger: Logger; replay?: string },
): Promise<void> {
  const logger = opts.logger.child({ service: name });
  const stopped = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  if (name === "ingest") {
    const ingest = createIngestService({ transport: opts.transport });
    if (opts.replay) {
      logger.info("replaying", { dataset: opts.replay });
      const summary = await ingest.replay(opts.replay);
      logger.info("replay done", { events: summary.events, labels: summary.labels });
    }
    logger.info("ingest up; waiting for a stop signal");
    logger.info("stopping", { signal: await stopped });
    return;
  }
  const schema = opts.config.dataset.includes("/") ? loadSchema(opts.config.dataset) : resolveDataset(opts.config.dataset).schema;
  const service = await starters[name]({ ...opts, logger, metrics: createMetricsRegistry(), schema });
  logger.info("serving", { transport: opts.transport.name, dataset: schema.name });
  logger.info("stopping", { signal: await stopped });
  await service.stop();
}
