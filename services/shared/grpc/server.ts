/**
 * `createGrpcServer`: a grpc-js server with what every rtml service needs — grpc.health.v1 (the
 * official grpc-health-check implementation; "" and "readiness" follow `setServing`, "liveness" is
 * always SERVING), server reflection over every served proto, message size limits (oversize requests
 * get INVALID_ARGUMENT with the reason), keepalive, optional TLS / mTLS and a graceful shutdown that
 * drains in-flight calls before a deadline, then forces.
 */
import * as grpc from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation } from "grpc-health-check";
import { RtmlError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { toHandler, markMalformed, type GrpcServiceBinding } from "./handlers.ts";
import { GrpcServiceNames, serviceDefinition } from "./load-proto.ts";
import { reflectionPackageDefinition } from "./reflection.ts";

export interface GrpcTlsOptions {
  /** PEM certificate chain and private key of the server. */
  cert: Buffer | string;
  key: Buffer | string;
  /** PEM CA bundle that client certificates are checked against (mTLS). */
  ca?: Buffer | string;
  /** Refuse clients without a certificate signed by `ca`. Default: true when `ca` is given. */
  requireClientCert?: boolean;
}

export interface GrpcKeepaliveOptions {
  /** Ping an idle connection after this many ms. Default 30 s. */
  timeMs?: number;
  /** Close it when the ping is unanswered this long. Default 10 s. */
  timeoutMs?: number;
  /** Recycle connections after this age (lets load balancers rebalance). Default 5 min. */
  maxConnectionAgeMs?: number;
  maxConnectionAgeGraceMs?: number;
}

export interface GrpcServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  tls?: GrpcTlsOptions;
  /** Largest request and response. Default 4 MiB. Requests up to 4× this are refused with INVALID_ARGUMENT, beyond by the transport (RESOURCE_EXHAUSTED). */
  maxMessageBytes?: number;
  keepalive?: GrpcKeepaliveOptions;
  /** How long shutdown waits for in-flight calls before cancelling them. Default 10 s. */
  shutdownGraceMs?: number;
  logger: Logger;
}

export interface GrpcServer {
  addService(binding: GrpcServiceBinding): void;
  /** Binds and starts serving (health NOT_SERVING until `setServing(true)`); resolves with the port. */
  start(): Promise<number>;
  /** Readiness of every served service, "" and "readiness" in grpc.health.v1. */
  setServing(serving: boolean): void;
  readonly serving: boolean;
  readonly port: number;
  /** host:port. */
  readonly address: string;
  /** Aborted when shutdown starts: long-lived streams end themselves. */
  readonly closing: AbortSignal;
  /** NOT_SERVING, stop accepting, drain in-flight calls for up to `graceMs`, then cancel the rest. Idempotent. */
  shutdown(graceMs?: number): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const host = options.host ?? "127.0.0.1";
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const ka = options.keepalive ?? {};
  const logger = options.logger;
  const closing = new AbortController();
  // No server interceptor: grpc-js would wrap every call in one more intercepting layer. Channelz
  // (grpc-js' per-call and per-connection bookkeeping for the channelz admin service, which rtml does
  // not serve) is off for the same reason.
  const server = new grpc.Server({
    "grpc.enable_channelz": 0,
    "grpc.keepalive_time_ms": ka.timeMs ?? 30_000,
    "grpc.keepalive_timeout_ms": ka.timeoutMs ?? 10_000,
    "grpc.keepalive_permit_without_calls": 1,
    "grpc.http2.min_ping_interval_without_data_ms": 5_000,
    "grpc.max_connection_age_ms": ka.maxConnectionAgeMs ?? 300_000,
    "grpc.max_connection_age_grace_ms": ka.maxConnectionAgeGraceMs ?? 30_000,
    "grpc.max_receive_message_length": maxBytes * 4,
    "grpc.max_send_message_length": maxBytes,
  });
  // Health Watch streams never end by themselves; shutdown ends them so the drain is not held up.
  const watches = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  const health = new HealthImplementation({ "": "NOT_SERVING", liveness: "SERVING", readiness: "NOT_SERVING" });
  health.addToServer({
    addService(service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation) {
      const watch = implementation.watch as grpc.handleServerStreamingCall<unknown, unknown> | undefined;
      if (typeof watch !== "function") throw new RtmlError("INTERNAL", "grpc-health-check has no watch handler to track");
      server.addService(service, {
        ...implementation,
        watch(call: grpc.ServerWritableStream<unknown, unknown>) {
          watches.add(call);
          call.once("cancelled", () => watches.delete(call));
          watch(call);
        },
      });
    },
  } as unknown as grpc.Server);
  const names: string[] = [];
  let serving = false;
  let port = 0;
  let stopped: Promise<void> | undefined;

  function addService(binding: GrpcServiceBinding): void {
    const definition = serviceDefinition(binding.name);
    const wrapped: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [method, def] of Object.entries(definition)) {
      const m = binding.methods[method];
      if (!m) throw new RtmlError("INTERNAL", `${binding.name}/${method} has no implementation`);
      // Undecodable or oversize requests reach the handler marked, and are refused with INVALID_ARGUMENT.
      wrapped[method] = {
        ...def,
        requestDeserialize: (bytes: Buffer) => {
          if (bytes.length > maxBytes) return markMalformed(`request of ${bytes.length} bytes exceeds the limit of ${maxBytes} bytes`);
          try {
            return def.requestDeserialize(bytes);
          } catch (err) {
            return markMalformed(`request is not a valid ${binding.name}/${method} message: ${(err as Error).message}`);
          }
        },
      };
      impl[method] = toHandler(m, closing.signal) as grpc.UntypedHandleCall;
    }
    server.addService(wrapped as grpc.ServiceDefinition, impl);
    names.push(binding.name);
    health.setStatus(binding.name, "NOT_SERVING");
  }

  function credentials(): grpc.ServerCredentials {
    const tls = options.tls;
    if (!tls) return grpc.ServerCredentials.createInsecure();
    const buf = (v: Buffer | string) => (typeof v === "string" ? Buffer.from(v) : v);
    const requireClient = tls.requireClientCert ?? tls.ca !== undefined;
    if (requireClient && !tls.ca) throw new RtmlError("INVALID_ARGUMENT", "mTLS (requireClientCert) needs a CA bundle");
    return grpc.ServerCredentials.createSsl(tls.ca ? buf(tls.ca) : null, [{ cert_chain: buf(tls.cert), private_key: buf(tls.key) }], requireClient);
  }

  function setServing(value: boolean): void {
    serving = value && !closing.signal.aborted;
    const status = serving ? "SERVING" : "NOT_SERVING";
    for (const n of ["", "readiness", ...names]) health.setStatus(n, status);
  }

  return {
    addService,
    async start() {
      new ReflectionService(reflectionPackageDefinition(), { services: [...names, GrpcServiceNames.health] }).addToServer(server);
      const creds = credentials();
      port = await new Promise<number>((resolve, reject) =>
        server.bindAsync(`${host}:${options.port ?? 0}`, creds, (err, p) =>
          err ? reject(new RtmlError("UNAVAILABLE", `gRPC cannot listen on ${host}:${options.port ?? 0}: ${err.message}`, { cause: err })) : resolve(p),
        ),
      );
      logger.info("gRPC serving", { address: `${host}:${port}`, services: names, tls: options.tls ? (options.tls.ca ? "mtls" : "tls") : "off" });
      return port;
    },
    setServing,
    get serving() {
      return serving;
    },
    get port() {
      return port;
    },
    get address() {
      return `${host}:${port}`;
    },
    closing: closing.signal,
    shutdown(graceMs = options.shutdownGraceMs ?? 10_000) {
      stopped ??= new Promise<void>((resolve) => {
        setServing(false);
        closing.abort();
        for (const w of watches) w.emit("error", { code: grpc.status.UNAVAILABLE, details: "server shutting down" });
        watches.clear();
        const force = setTimeout(() => {
          logger.warn("gRPC drain deadline passed; cancelling the remaining calls", { graceMs });
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return stopped;
    },
  };
}
