/**
 * Handler adapters: service code is written as plain async functions of (request, context) and these
 * turn them into grpc-js handlers. They give every call an AbortSignal (client cancel, deadline or
 * server shutdown), refuse requests that failed to decode with INVALID_ARGUMENT (see `markMalformed`),
 * and send every error through `toGrpcStatus` — the only error → status mapping.
 */
import { context } from "@opentelemetry/api";
import type {
  handleBidiStreamingCall, handleServerStreamingCall, handleUnaryCall, Metadata, ServerDuplexStream,
  ServerUnaryCall, ServerWritableStream,
} from "@grpc/grpc-js";
import type { Readable } from "node:stream";
import { RtmlError } from "../errors.ts";
import { toGrpcStatus } from "./status.ts";

export interface CallContext {
  /** Aborted when the client cancels or the deadline passes; for streams also when the server shuts down. */
  readonly signal: AbortSignal;
  /** The call's deadline (epoch ms), Infinity when the client set none. */
  readonly deadline: number;
  readonly metadata: Metadata;
  readonly peer: string;
}

const MALFORMED: unique symbol = Symbol("rtml.grpc.malformed");
type Malformed = { [MALFORMED]: string };

/** What a wrapped deserializer returns for bytes that are not the request type (or are over the limit). */
export function markMalformed(reason: string): Malformed {
  return { [MALFORMED]: reason };
}

function checkRequest<T>(request: T): T {
  if (request && typeof request === "object" && MALFORMED in request) {
    const reason = (request as Malformed)[MALFORMED];
    throw new RtmlError("INVALID_ARGUMENT", reason, { details: { reason: reason.includes("exceeds") ? "oversize" : "malformed" } });
  }
  return request;
}

type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>;

/**
 * The call's context, and a function detaching it from the server's shutdown signal when the call ends.
 * `closing` is given for streams only: unary calls in flight are drained on shutdown, never cancelled.
 */
function contextOf(call: AnyCall, closing: AbortSignal | undefined): [CallContext, () => void] {
  const controller = new AbortController();
  const abort = (why: string) => {
    if (!controller.signal.aborted) controller.abort(new RtmlError("CANCELLED", why));
  };
  if (call.cancelled) abort("call cancelled");
  (call as ServerUnaryCall<unknown, unknown>).once("cancelled", () => abort("call cancelled or deadline exceeded"));
  const onClose = () => abort("server shutting down");
  if (closing?.aborted) onClose();
  else closing?.addEventListener("abort", onClose, { once: true });
  const d = call.getDeadline();
  const ctx: CallContext = { signal: controller.signal, deadline: d instanceof Date ? d.getTime() : d, metadata: call.metadata, peer: call.getPeer() };
  return [ctx, () => closing?.removeEventListener("abort", onClose)];
}

export type Unary<Req, Res> = (request: Req, ctx: CallContext) => Res | Promise<Res>;

/** A unary handler from an async function. */
export function unary<Req, Res>(fn: Unary<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const [ctx, done] = contextOf(call as AnyCall, undefined);
    const active = context.active(); // the call's trace context (gRPC instrumentation), kept past the deferral
    Promise.resolve()
      .then(() => context.with(active, fn, undefined, checkRequest(call.request), ctx))
      .then(
        (res) => callback(null, res),
        (err: unknown) => callback(toGrpcStatus(err)),
      )
      .finally(done);
  };
}

/** Sends one message, waiting for the stream to drain when its buffer is full (backpressure). */
export type Send<Res> = (message: Res) => Promise<void>;

function sender<Res>(call: ServerWritableStream<unknown, Res> | ServerDuplexStream<unknown, Res>): Send<Res> {
  return (message) =>
    call.write(message) ? Promise.resolve() : new Promise<void>((resolve) => call.once("drain", () => resolve()));
}

function endWith(call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>, err: unknown): void {
  if (err === undefined) call.end();
  else if (!call.cancelled) call.emit("error", toGrpcStatus(err));
}

/** A server-streaming handler: `fn` sends with `send` and resolves when the stream is complete. */
export function serverStream<Req, Res>(
  fn: (request: Req, send: Send<Res>, ctx: CallContext) => Promise<void>,
  closing: AbortSignal,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const [ctx, done] = contextOf(call as AnyCall, closing);
    const active = context.active();
    Promise.resolve()
      .then(() => context.with(active, () => fn(checkRequest(call.request), sender(call), ctx)))
      .then(() => endWith(call as ServerWritableStream<unknown, unknown>, undefined), (err: unknown) => endWith(call as ServerWritableStream<unknown, unknown>, err))
      .finally(done);
  };
}

/** A bidi (or client-streaming-with-acks) handler: `fn` iterates the requests and sends responses. */
export function bidiStream<Req, Res>(
  fn: (requests: AsyncIterable<Req>, send: Send<Res>, ctx: CallContext) => Promise<void>,
  closing: AbortSignal,
): handleBidiStreamingCall<Req, Res> {
  return (call) => {
    const [ctx, done] = contextOf(call as AnyCall, closing);
    async function* requests(): AsyncIterable<Req> {
      // Not `for await (… of call)`: a Readable's default iterator destroys the stream when the client
      // half-closes, which would also close our sending side before the last responses are written.
      for await (const r of (call as unknown as Readable).iterator({ destroyOnReturn: false })) yield checkRequest(r as Req);
    }
    const active = context.active();
    Promise.resolve()
      .then(() => context.with(active, () => fn(requests(), sender(call), ctx)))
      .then(() => endWith(call as ServerDuplexStream<unknown, unknown>, undefined), (err: unknown) => endWith(call as ServerDuplexStream<unknown, unknown>, err))
      .finally(done);
  };
}

/** Rejects with DEADLINE_EXCEEDED / CANCELLED once the call's signal aborts; for awaiting work that ignores signals. */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
}

/** A method implementation, independent of grpc-js: the server adapts it with `toHandler`. */
export type MethodImpl =
  | { readonly kind: "unary"; readonly fn: Unary<never, unknown> }
  | { readonly kind: "serverStream"; readonly fn: (request: never, send: Send<never>, ctx: CallContext) => Promise<void> }
  | { readonly kind: "bidi"; readonly fn: (requests: AsyncIterable<never>, send: Send<never>, ctx: CallContext) => Promise<void> };

/** One gRPC service: its full proto name and its methods by proto method name. */
export interface GrpcServiceBinding {
  readonly name: string;
  readonly methods: Readonly<Record<string, MethodImpl>>;
}

/** Method implementation constructors for the services' grpc.ts files. */
export const rpc = {
  unary: <Req, Res>(fn: Unary<Req, Res>): MethodImpl => ({ kind: "unary", fn: fn as Unary<never, unknown> }),
  serverStream: <Req, Res>(fn: (request: Req, send: Send<Res>, ctx: CallContext) => Promise<void>): MethodImpl =>
    ({ kind: "serverStream", fn: fn as unknown as (r: never, s: Send<never>, c: CallContext) => Promise<void> }),
  bidi: <Req, Res>(fn: (requests: AsyncIterable<Req>, send: Send<Res>, ctx: CallContext) => Promise<void>): MethodImpl =>
    ({ kind: "bidi", fn: fn as unknown as (r: AsyncIterable<never>, s: Send<never>, c: CallContext) => Promise<void> }),
};

/** The grpc-js handler of a method implementation. */
export function toHandler(method: MethodImpl, closing: AbortSignal): handleUnaryCall<never, unknown> | handleServerStreamingCall<never, never> | handleBidiStreamingCall<never, never> {
  switch (method.kind) {
    case "unary":
      return unary(method.fn);
    case "serverStream":
      return serverStream(method.fn, closing);
    case "bidi":
      return bidiStream(method.fn, closing);
  }
}
