/** The embedded mesh with every service serving gRPC on a free port, a model trained on a short replay. */
import { startMesh } from "../../services/cli/mesh.ts";
import { loadConfig } from "../../services/shared/config.ts";
import { featureNamesOf } from "../../services/shared/dataset/feature-names.ts";
import { resolveDataset } from "../../services/shared/dataset/resolve.ts";
import { createLogger } from "../../services/shared/logger.ts";
import { createMetricsRegistry } from "../../services/shared/metrics.ts";
import { createMemoryTransport } from "../../services/shared/transport/memory/memory-transport.ts";

export async function startGrpcMesh(events = 600) {
  const config = loadConfig({ RTML_LOG_LEVEL: "silent", RTML_SNAPSHOT_EVERY: "50" });
  const transport = await createMemoryTransport();
  const { schema } = resolveDataset("elec2");
  const mesh = await startMesh({ transport, config, logger: createLogger({ level: "silent" }), metrics: createMetricsRegistry(), schema }, { grpc: { basePort: 0 } });
  await mesh.ingest.ingest.replay("elec2", { maxEvents: events });
  const deadline = Date.now() + 60_000;
  while ((mesh.infer.infer.stats().predictions < events || mesh.infer.infer.current().version === 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 300)); // health polls see the model
  return {
    mesh,
    endpoints: mesh.grpcEndpoints as Record<string, string>,
    featureNames: featureNamesOf(schema),
    async stop() {
      await mesh.stop();
      await transport.close();
    },
  };
}
