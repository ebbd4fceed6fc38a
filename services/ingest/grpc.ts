/**
 * ingest's gRPC API (rtml.v1.IngestService): Publish (one event or a batch, all-or-nothing checks),
 * PublishStream (a stream of events, one ack per event in order with its event id and sequence; up to
 * `window` publishes in flight), PublishLabels. Refusals (limits, oversize) are INVALID_ARGUMENT with
 * the reason. A W3C `traceparent` in the call metadata is carried on the published messages. Events
 * arrive in their wire shape (numeric fields in number_names/numbers, or as FieldValue numbers in
 * `fields`: both are accepted).
 */
import { RtmlError } from "../shared/errors.ts";
import { raceSignal, rpc, type CallContext, type GrpcServiceBinding } from "../shared/grpc/handlers.ts";
import { GrpcServiceNames } from "../shared/grpc/load-proto.ts";
import { eventFromWire, type EventWire, type Label } from "../shared/messages.ts";
import { Props } from "../shared/topics.ts";
import type { Ingestor } from "./ingest.ts";

export interface IngestGrpcOptions {
  /** PublishStream: publishes awaiting their broker ack at once. Default 256. */
  window?: number;
}

function traceProperties(ctx: CallContext): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const k of [Props.traceparent, Props.tracestate]) {
    const v = ctx.metadata.get(k)[0];
    if (typeof v === "string" && v) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

export function createIngestGrpc(ingestor: Ingestor, options: IngestGrpcOptions = {}): GrpcServiceBinding {
  const window = Math.max(1, options.window ?? 256);
  return {
    name: GrpcServiceNames.ingest,
    methods: {
      Publish: rpc.unary(async (req: { events: EventWire[] }, ctx) => {
        if (req.events.length === 0) throw new RtmlError("INVALID_ARGUMENT", "PublishRequest has no events", { details: { reason: "empty" } });
        const events = req.events.map(eventFromWire);
        return { eventIds: await raceSignal(ingestor.publishEvents(events, traceProperties(ctx)), ctx.signal) };
      }),
      PublishStream: rpc.bidi(async (events: AsyncIterable<EventWire>, send, ctx) => {
        const props = traceProperties(ctx);
        // Acks go out in order as soon as each publish is acked by the broker; at most `window` wait.
        let acks: Promise<void> = Promise.resolve();
        let failed: unknown;
        let pending = 0;
        let index = 0;
        for await (const e of events) {
          if (failed !== undefined) break;
          const sequence = ingestor.sequence;
          const at = index++;
          const ids = Promise.resolve().then(() => ingestor.publishEvents([eventFromWire(e)], props));
          pending++;
          acks = acks.then(async () => {
            let eventId: string;
            try {
              [eventId] = await raceSignal(ids, ctx.signal);
            } catch (err) {
              throw err instanceof RtmlError ? new RtmlError(err.code, `event #${at}: ${err.message}`, { cause: err, details: err.details }) : err;
            }
            await send({ eventId, sequence });
            pending--;
          });
          acks.catch((err: unknown) => void (failed ??= err));
          ids.catch(() => undefined); // reported through `acks`, in order
          if (pending >= window) await acks;
        }
        await acks;
      }),
      PublishLabels: rpc.unary(async (req: { labels: Partial<Label>[] }, ctx) => ({
        accepted: await raceSignal(ingestor.publishLabels(req.labels), ctx.signal),
      })),
    },
  };
}
