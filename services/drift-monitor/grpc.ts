/**
 * drift-monitor's gRPC API (rtml.v1.DriftService): GetStatus (windowed prequential metrics, every
 * detector's state, recent alerts, the model version being scored) and WatchAlerts, a server stream of
 * every alert from the moment of the call until the client cancels or the server shuts down. A watcher
 * that cannot keep up has at most `maxQueued` alerts buffered; beyond that the oldest are dropped.
 */
import { rpc, type GrpcServiceBinding } from "../shared/grpc/handlers.ts";
import { GrpcServiceNames } from "../shared/grpc/load-proto.ts";
import type { DriftAlert } from "../shared/messages.ts";
import type { DriftMonitor } from "./drift-monitor.ts";

export function createDriftGrpc(monitor: Pick<DriftMonitor, "status" | "watch">, options: { maxQueued?: number } = {}): GrpcServiceBinding {
  const maxQueued = options.maxQueued ?? 1000;
  return {
    name: GrpcServiceNames.driftMonitor,
    methods: {
      GetStatus: rpc.unary(() => {
        const s = monitor.status();
        return { labelled: s.labelled, metrics: s.metrics, detectors: s.detectors, recentAlerts: s.recentAlerts, modelVersion: s.modelVersion };
      }),
      WatchAlerts: rpc.serverStream(async (_req: unknown, send: (a: DriftAlert) => Promise<void>, ctx) => {
        const queue: DriftAlert[] = [];
        let wake: (() => void) | undefined;
        const unwatch = monitor.watch((a) => {
          queue.push(a);
          if (queue.length > maxQueued) queue.shift();
          wake?.();
        });
        const stop = () => wake?.();
        ctx.signal.addEventListener("abort", stop, { once: true });
        try {
          while (!ctx.signal.aborted) {
            while (queue.length > 0 && !ctx.signal.aborted) await send(queue.shift()!);
            if (ctx.signal.aborted) break;
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        } finally {
          unwatch();
          ctx.signal.removeEventListener("abort", stop);
        }
      }),
    },
  };
}
