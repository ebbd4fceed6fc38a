/**
 * feature's gRPC API (rtml.v1.FeatureService): GetFeatures is the online lookup of a feature store —
 * the entity's windowed aggregates from the function's keyed state as of its latest event (or
 * `asOfMs`), or, given an event, the whole vector that event gets now (its fields, the entity's windows
 * including it, standardised with the live scaler) without storing anything. The latter is what infer's
 * synchronous Predict uses, in process through `createLocalFeatureLookup` or over gRPC.
 */
import { RtmlError } from "../shared/errors.ts";
import type { FeatureLookup } from "../shared/feature-lookup.ts";
import { rpc, type GrpcServiceBinding } from "../shared/grpc/handlers.ts";
import { GrpcServiceNames } from "../shared/grpc/load-proto.ts";
import { eventFromWire, featureVectorToWire, type Event, type EventWire, type FeatureVector } from "../shared/messages.ts";
import type { FeatureService } from "./feature.ts";
import type { EntityWindowState } from "./windows.ts";

type State = { get<T>(key: string): T | undefined };

/** The vector an event gets now, against its entity's state (nothing stored). */
export function featuresForEvent(feature: FeatureService, state: State, event: Event): FeatureVector {
  const { values, raw } = feature.compute(event, state.get<EntityWindowState>(event.entityId));
  return {
    eventId: event.eventId, entityId: event.entityId, eventTimeMs: event.eventTimeMs, ingestTimeMs: event.ingestTimeMs,
    values, raw, sequence: event.sequence,
  };
}

export function createFeatureGrpc(feature: FeatureService, state: State): GrpcServiceBinding {
  return {
    name: GrpcServiceNames.feature,
    methods: {
      GetFeatures: rpc.unary((req: { entityId: string; event: EventWire | null; asOfMs: number }) => {
        if (req.event) {
          const event = eventFromWire({ ...req.event, entityId: req.event.entityId || req.entityId });
          if (!event.eventTimeMs) throw new RtmlError("INVALID_ARGUMENT", "GetFeatures: the event has no event time", { details: { reason: "missing-time" } });
          return featureVectorToWire(featuresForEvent(feature, state, event));
        }
        if (!req.entityId) throw new RtmlError("INVALID_ARGUMENT", "GetFeatures: give an entity id or an event");
        const fv = feature.lookup(req.entityId, state, req.asOfMs || undefined);
        if (!fv) throw new RtmlError("NOT_FOUND", `no features for entity "${req.entityId}" (no event of it seen yet)`);
        return featureVectorToWire(fv);
      }),
    },
  };
}

/** FeatureLookup served by the feature service in this process (no network hop). */
export function createLocalFeatureLookup(feature: FeatureService, state: State): FeatureLookup {
  return {
    featuresFor: async (event) => featuresForEvent(feature, state, event),
    close: () => undefined,
  };
}
