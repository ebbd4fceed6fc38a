/** FeatureLookup over the feature service's gRPC GetFeatures (infer run apart from feature). */
import type { FeatureLookup } from "../feature-lookup.ts";
import { eventToWire, featureVectorFromWire, type Event, type FeatureVectorWire } from "../messages.ts";
import { createGrpcClient, type GrpcClientOptions } from "./client.ts";
import { GrpcServiceNames } from "./load-proto.ts";

export function createGrpcFeatureLookup(address: string, options: GrpcClientOptions = {}): FeatureLookup {
  const client = createGrpcClient(address, GrpcServiceNames.feature, { deadlineMs: 1_000, ...options });
  return {
    featuresFor: async (event: Event, o = {}) =>
      featureVectorFromWire(
        await client.unary<object, FeatureVectorWire>("GetFeatures", { entityId: event.entityId, event: eventToWire(event) }, { signal: o.signal, deadline: o.deadline }),
      ),
    close: () => client.close(),
  };
}
