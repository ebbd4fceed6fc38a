/**
 * The port through which infer gets the features of an event for a synchronous Predict: the feature
 * service computes them (its windows, its scaler) so infer never duplicates or imports feature logic.
 * Adapters: in one process the feature service itself (services/feature/grpc.ts
 * `createLocalFeatureLookup`, wired by `rtml up`), across processes its gRPC GetFeatures
 * (services/shared/grpc/feature-lookup.ts, wired by infer's main.ts from RTML_FEATURE_ADDR).
 */
import type { Event, FeatureVector } from "./messages.ts";

export interface FeatureLookupOptions {
  /** Abandon the lookup when aborted (the caller's call was cancelled). */
  signal?: AbortSignal;
  /** Absolute deadline (epoch ms) to propagate. */
  deadline?: number;
}

export interface FeatureLookup {
  /** The feature vector `event` gets now, against its entity's state; nothing is stored. */
  featuresFor(event: Event, options?: FeatureLookupOptions): Promise<FeatureVector>;
  close(): void;
}
