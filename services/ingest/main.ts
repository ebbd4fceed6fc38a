/**
 * Wiring of the ingest service: the only place that binds the replay and the gRPC-facing ingestor to a
 * concrete transport. The gRPC server (IngestService) is attached by the lead's service wiring.
 */
import type { Transport } from "../shared/transport/transport.ts";
import { createIngestor, createReplay, type Ingestor, type ReplayOptions, type ReplaySummary } from "./ingest.ts";
import { openSource, type OpenSourceOptions } from "./source.ts";

export interface IngestServiceOptions {
  transport: Transport;
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
  const publish: ReplayOptions["publish"] = (topic, payload, opts) => options.transport.publish(topic, payload, opts);
  return {
    ingestor: createIngestor({ publish }),
    async replay(dataset, request = {}) {
      const source = openSource(dataset, request);
      return createReplay({ ...request, publish, schema: source.schema, source: source.records }).run();
    },
  };
}
