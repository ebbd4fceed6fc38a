/**
 * The gRPC view of proto/: rtml/v1/services.proto (with messages.proto), the Open Inference Protocol v2
 * (inference/grpc_predict_v2.proto) and grpc.health.v1, loaded once with @grpc/proto-loader. Field
 * names are camelCase and int64s are numbers, as in services/shared/messages.ts, so a message from a
 * gRPC call is the same object shape the topic codecs take.
 *
 * @example
 * const def = serviceDefinition("rtml.v1.TrainService");
 * console.assert(def.ListModels.path === "/rtml.v1.TrainService/ListModels");
 */
import { dirname } from "node:path";
import type { GrpcObject, ServiceClientConstructor, ServiceDefinition } from "@grpc/grpc-js";
import { loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync, type Options, type PackageDefinition } from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { RtmlError } from "../errors.ts";
import { PROTO_ROOT } from "../messages.ts";

/** The fully qualified names of the services rtml serves (besides health and reflection). */
export const GrpcServiceNames = {
  ingest: "rtml.v1.IngestService",
  validate: "rtml.v1.ValidateService",
  feature: "rtml.v1.FeatureService",
  infer: "rtml.v1.InferenceService",
  openInference: "inference.GRPCInferenceService",
  train: "rtml.v1.TrainService",
  driftMonitor: "rtml.v1.DriftService",
  health: "grpc.health.v1.Health",
} as const;

/** proto-loader options: camelCase names, int64 as numbers, enums as numbers, defaults filled, oneof names set. */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  defaults: true,
  oneofs: true,
  // grpc-health-check's protoPath is <pkg>/proto/health/v1/health.proto
  includeDirs: [PROTO_ROOT, dirname(dirname(dirname(healthProtoPath)))],
};

export const PROTO_FILES = ["rtml/v1/services.proto", "inference/grpc_predict_v2.proto", "health/v1/health.proto"] as const;

let cached: { packageDefinition: PackageDefinition; grpcObject: GrpcObject } | undefined;

/** The package definition of every served proto (also what server reflection describes). */
export function loadGrpcProtos(): { packageDefinition: PackageDefinition; grpcObject: GrpcObject } {
  if (!cached) {
    const packageDefinition = loadSync([...PROTO_FILES], PROTO_LOADER_OPTIONS);
    cached = { packageDefinition, grpcObject: loadPackageDefinition(packageDefinition) };
  }
  return cached;
}

/** A service's definition by its full name ("rtml.v1.IngestService"). */
export function serviceDefinition(fullName: string): ServiceDefinition {
  const def = loadGrpcProtos().packageDefinition[fullName];
  if (!def || "format" in def) {
    throw new RtmlError("NOT_FOUND", `no gRPC service ${fullName} in ${PROTO_FILES.join(", ")}`);
  }
  return def as unknown as ServiceDefinition;
}

/** The generic client constructor of a service, for createGrpcClient. */
export function clientConstructor(fullName: string): ServiceClientConstructor {
  let node: unknown = loadGrpcProtos().grpcObject;
  for (const part of fullName.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== "function") throw new RtmlError("NOT_FOUND", `no gRPC service ${fullName}`);
  return node as ServiceClientConstructor;
}
