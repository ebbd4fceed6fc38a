/**
 * infer's gRPC APIs: rtml.v1.InferenceService.Predict for synchronous callers — a ready feature
 * vector, or an event whose features the feature service computes (through the injected FeatureLookup:
 * in process under `rtml up`, over gRPC GetFeatures when run alone) — and the Open Inference Protocol
 * v2 (open-inference.ts). Ready (gRPC health SERVING) only once a model snapshot is loaded.
 */
import { RtmlError } from "../shared/errors.ts";
import type { FeatureLookup } from "../shared/feature-lookup.ts";
import { rpc, type GrpcServiceBinding } from "../shared/grpc/handlers.ts";
import { GrpcServiceNames } from "../shared/grpc/load-proto.ts";
import { eventFromWire, featureVectorFromWire, type EventWire, type FeatureVectorWire } from "../shared/messages.ts";
import type { InferService } from "./infer.ts";
import { createOpenInferenceGrpc } from "./open-inference.ts";

export interface InferGrpcOptions {
  infer: Pick<InferService, "current" | "predict">;
  featureNames: readonly string[];
  featureLookup?: FeatureLookup;
  serverVersion?: string;
}

/** Health: serving once a model is loaded. */
export const inferReady = (infer: Pick<InferService, "current">): boolean => infer.current().model !== undefined;

export function createInferGrpc(options: InferGrpcOptions): GrpcServiceBinding[] {
  const { infer, featureLookup } = options;
  const predict: GrpcServiceBinding = {
    name: GrpcServiceNames.infer,
    methods: {
      // Synchronous for a feature vector (the response goes out without a microtask round); a promise
      // only when the event's features have to be looked up.
      Predict: rpc.unary((req: { event: EventWire | null; features: FeatureVectorWire | null }, ctx) => {
        if (!inferReady(infer)) throw new RtmlError("UNAVAILABLE", "no model loaded yet (no snapshot published on models)");
        if (req.features && req.features.names.length > 0) return infer.predict(featureVectorFromWire(req.features));
        if (!req.event) throw new RtmlError("INVALID_ARGUMENT", "PredictRequest: give an event or features", { details: { reason: "empty" } });
        if (!featureLookup) {
          throw new RtmlError("FAILED_PRECONDITION", "this infer has no feature lookup: send features, or set RTML_FEATURE_ADDR to the feature service");
        }
        // The call context is the lookup's options: its signal is only made if the lookup reads it
        // (the gRPC lookup does; the in-process one does not).
        return featureLookup.featuresFor(eventFromWire(req.event), ctx).then((fv) => infer.predict(fv));
      }),
    },
  };
  return [predict, createOpenInferenceGrpc(options)];
}
