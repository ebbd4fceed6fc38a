/**
 * How a service's main.ts serves gRPC: `serveGrpc` starts a server with the service's bindings and keeps
 * its health in step with readiness (the service's own `ready()` — infer: a model is loaded — and the
 * transport answering); `withGrpc` folds the server into the RunningService so `stop()` first drains
 * the gRPC calls, then stops the functions.
 */
import type { ServiceName } from "../config.ts";
import { isRtmlError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { RunningService } from "../service.ts";
import { Topics } from "../topics.ts";
import type { Transport } from "../transport/transport.ts";
import type { GrpcServiceBinding } from "./handlers.ts";
import { createGrpcServer, type GrpcKeepaliveOptions, type GrpcServer, type GrpcTlsOptions } from "./server.ts";

/** gRPC settings of one service (ServiceDeps.grpc). */
export interface GrpcServeOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  tls?: GrpcTlsOptions;
  maxMessageBytes?: number;
  keepalive?: GrpcKeepaliveOptions;
  shutdownGraceMs?: number;
}

export interface ServeGrpcParams {
  service: ServiceName;
  options: GrpcServeOptions;
  bindings: GrpcServiceBinding[];
  logger: Logger;
  /** The service's own readiness (default: always ready). */
  ready?: () => boolean;
  /** Probed every `transportProbeMs`; while it fails the service is NOT_SERVING. */
  transport?: Transport;
  readyPollMs?: number;
  transportProbeMs?: number;
}

/** Starts the service's gRPC server; health follows readiness until shutdown. */
export async function serveGrpc(params: ServeGrpcParams): Promise<GrpcServer> {
  const logger = params.logger.child({ grpc: params.service });
  const server = createGrpcServer({ ...params.options, logger });
  for (const b of params.bindings) server.addService(b);
  await server.start();
  let transportUp = true;
  const probe = async () => {
    if (!params.transport) return;
    const up = await params.transport.stats(Topics.eventsRaw).then(
      () => true,
      (err: unknown) => isRtmlError(err, "NOT_FOUND"),
    );
    if (up !== transportUp) logger.warn(up ? "transport is back" : "transport is down: gRPC health NOT_SERVING");
    transportUp = up;
  };
  await probe();
  const update = () => {
    const ready = transportUp && (params.ready?.() ?? true);
    if (ready !== server.serving && !server.closing.aborted) server.setServing(ready);
  };
  update();
  const readyTimer = setInterval(update, params.readyPollMs ?? 200);
  const probeTimer = setInterval(() => void probe().then(update), params.transportProbeMs ?? 2_000);
  readyTimer.unref();
  probeTimer.unref();
  server.closing.addEventListener("abort", () => (clearInterval(readyTimer), clearInterval(probeTimer)), { once: true });
  return server;
}

/** The running service with its gRPC server: `grpc` tells where it listens; `stop()` drains gRPC first. */
export function withGrpc<T extends RunningService>(service: T, server: GrpcServer | undefined): T {
  if (!server) return service;
  return {
    ...service,
    grpc: { address: server.address, port: server.port },
    async stop() {
      await server.shutdown();
      await service.stop();
    },
  };
}

/**
 * For main.ts: serves the bindings when `deps.grpc` is set and folds the server into `running`; if the
 * server cannot start (port taken), the service's functions are stopped before the error is rethrown.
 */
export async function attachGrpc<T extends RunningService>(
  running: T,
  deps: { grpc?: GrpcServeOptions; logger: Logger; transport: Transport },
  params: { service: ServiceName; bindings: () => GrpcServiceBinding[]; ready?: () => boolean },
): Promise<T> {
  if (!deps.grpc) return running;
  try {
    const server = await serveGrpc({ ...params, bindings: params.bindings(), options: deps.grpc, logger: deps.logger, transport: deps.transport });
    return withGrpc(running, server);
  } catch (err) {
    await running.stop();
    throw err;
  }
}
