/**
 * gRPC server and client spans through @opentelemetry/instrumentation-grpc (wiring only). Under ESM the
 * instrumentation's require hook never sees `import "@grpc/grpc-js"`, so after registering it this
 * requires the package once through CommonJS: that patches the one shared module object (Server and
 * Client prototypes), whichever way it was or will be imported.
 *
 * With six services in one process the instrumentation's spans are routed to the right service's
 * tracer: a span whose parent belongs to a service (a client call made while processing) goes to that
 * service; a server span goes to the service owning its gRPC service (`rtml.v1.InferenceService` →
 * infer); anything else to `fallback`.
 */
import { createRequire } from "node:module";
import { context, trace, type Context, type Span, type SpanOptions, type Tracer, type TracerProvider } from "@opentelemetry/api";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { GrpcInstrumentation } from "@opentelemetry/instrumentation-grpc";

/** Which rtml service serves each gRPC service (proto/rtml/v1/services.proto, proto/inference). */
export const GRPC_SERVICE_OWNERS: Readonly<Record<string, string>> = {
  "rtml.v1.IngestService": "ingest",
  "rtml.v1.ValidateService": "validate",
  "rtml.v1.FeatureService": "feature",
  "rtml.v1.InferenceService": "infer",
  "inference.GRPCInferenceService": "infer",
  "rtml.v1.TrainService": "train",
  "rtml.v1.DriftService": "drift-monitor",
};

/** The rtml service a gRPC span name (`grpc.rtml.v1.InferenceService/Predict`) belongs to. */
export function ownerOfGrpcSpan(name: string): string | undefined {
  const path = name.startsWith("grpc.") ? name.slice(5) : name;
  const slash = path.indexOf("/");
  return GRPC_SERVICE_OWNERS[slash < 0 ? path : path.slice(0, slash)];
}

function serviceOfSpan(span: Span | undefined): string | undefined {
  const attributes = (span as { resource?: { attributes?: Record<string, unknown> } } | undefined)?.resource?.attributes;
  const name = attributes?.["service.name"];
  return typeof name === "string" ? name : undefined;
}

/** A TracerProvider handing the instrumentation a tracer that routes each span to its service's tracer. */
export function createRoutingTracerProvider(tracers: ReadonlyMap<string, Tracer>, fallback: Tracer): TracerProvider {
  const pick = (name: string, ctx: Context): Tracer => {
    const owner = serviceOfSpan(trace.getSpan(ctx)) ?? ownerOfGrpcSpan(name);
    return (owner !== undefined ? tracers.get(owner) : undefined) ?? fallback;
  };
  const tracer: Tracer = {
    startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
      const parent = ctx ?? context.active();
      return pick(name, parent).startSpan(name, options, parent);
    },
    startActiveSpan<F extends (span: Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
      const fn = args.pop() as F;
      const options = args[0] as SpanOptions | undefined;
      const parent = (args[1] as Context | undefined) ?? context.active();
      const span = tracer.startSpan(name, options, parent);
      return context.with(trace.setSpan(parent, span), fn as (s: Span) => ReturnType<F>, undefined, span);
    },
  };
  return { getTracer: () => tracer };
}

/**
 * Registers the gRPC instrumentation on `tracerProvider` (health checks and reflection are not traced)
 * and patches @grpc/grpc-js. Returns a function that disables it again.
 */
export function instrumentGrpc(tracerProvider: TracerProvider): () => void {
  const instrumentation = new GrpcInstrumentation({
    ignoreGrpcMethods: ["Check", "Watch", "ServerReflectionInfo"],
  });
  const unregister = registerInstrumentations({ tracerProvider, instrumentations: [instrumentation] });
  createRequire(import.meta.url)("@grpc/grpc-js");
  return unregister;
}
