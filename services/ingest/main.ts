/**
 * Wiring of the ingest service: the only place that binds the replay and the gRPC-facing ingestor to a
 * concrete transport, and `startIngest` serves it over gRPC (IngestService) when the deps ask for it.
 */
import { attachGrpc } from "../shared/grpc/serve.ts";
import type { RunningService, ServiceDeps } from "../shared/service.ts";
import { countPublish, tracePublish } from "../shared/telemetry/messaging.ts";
import { noopTelemetry, type Telemetry } from "../shared/telemetry/telemetry.ts";
import type { Transport } from "../shared/transport/transport.ts";
import { createIngestGrpc } from "./grpc.ts";
import { createIngestor, createReplay, type Ingestor, type ReplayOptions, type ReplaySummary } from "./ingest.ts";
import { openSource, type OpenSourceOptions } from "./source.ts";

export interface IngestServiceOptions {
  transport: Transport;
  /**
   * Every event publish under a PRODUCER span (a root, or a child of a gRPC call), its context in the
   * message properties; a replayed label continues its event's trace (its send span is a child of the
   * event's, or, when the event is not sampled, it carries the event's unsampled traceparent on with no
   * span of its own): one sampling decision per event.
   */
  telemetry?: Telemetry;
}

export type ReplayRequest = Omit<ReplayOptions, "publish" | "schema" | "source"> & OpenSourceOptions;

export interface IngestService {
  /** The gRPC Publish / PublishLabels back end. */
  readonly ingestor: Ingestor;
  /** Replays a dataset (name or path) onto the transport. */
  replay(dataset: string, request?: ReplayRequest): Promise<ReplaySummary>;
}

/** Creates the ingest service on a transport. */
export function createIngestService(options: IngestServiceOptions): IngestService {
  const send: ReplayOptions["publish"] = (topic, payload, opts) => options.transport.publish(topic, payload, opts);
  const telemetry = options.telemetry ?? noopTelemetry;
  // The replay and the ingestor build fresh properties for every message: the trace context is written
  // into them (no copies), and the replay reads an event's back for its label.
  const publish = tracePublish(telemetry, options.transport.name, countPublish(telemetry, options.transport.name, send), { ownsProperties: true });
  return {
    ingestor: createIngestor({ publish }),
    async replay(dataset, request = {}) {
      const source = openSource(dataset, request);
      return createReplay({ ...request, publish, schema: source.schema, source: source.records }).run();
    },
  };
}

/** ingest as a running service: no functions (it only publishes), its gRPC API when `deps.grpc` is set. */
export async function startIngest(deps: ServiceDeps): Promise<RunningService & { ingest: IngestService }> {
  const ingest = createIngestService({ transport: deps.transport, telemetry: deps.telemetry });
  const running = { name: "ingest" as const, runners: [], ingest, stop: async () => undefined };
  return attachGrpc(running, deps, { service: "ingest", bindings: () => [createIngestGrpc(ingest.ingestor)] });
}
