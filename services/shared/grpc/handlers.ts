/**
 * Handler adapters: service code is written as plain functions of (request, context) — unary ones return
 * the response or a promise of it — and these turn them into grpc-js handlers. They give every call an
 * AbortSignal (client cancel, deadline or server shutdown; made only when a handler reads it), refuse
 * requests that failed to decode with INVALID_ARGUMENT (see `markMalformed`), and send every error
 * through `toGrpcStatus` — the only error → status mapping. The unary path is the hot one (Predict,
 * ModelInfer): no per-call closures, AbortController or microtask round unless the handler needs them.
 */
import { context } from "@opentelemetry/api";
import type {
  handleBidiStreamingCall, handleServerStreamingCall, handleUnaryCall, Metadata, ServerDuplexStream,
  ServerUnaryCall, ServerWritableStream,
} from "@grpc/grpc-js";
import type { Readable } from "node:stream";
import { RtmlError } from "../errors.ts";
import { isThenable } from "../thenable.ts";
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

const cancelled = (why: string) => new RtmlError("CANCELLED", why);

/**
 * A call's context. Its AbortSignal is made on first use, and only then does it listen for the call's
 * cancellation (client cancel or deadline) and, for streams, for the server's shutdown (`closing`;
 * unary calls in flight are drained on shutdown, never cancelled): most unary handlers never look at
 * it, and grpc-js reports every call's stream closing as a cancellation, even after a response.
 * `finish()` detaches it when the handler is done, so it never aborts afterwards.
 */
class GrpcCallContext implements CallContext {
  private readonly call: AnyCall;
  private readonly closing: AbortSignal | undefined;
  private controller: AbortController | undefined;
  private finished = false;
  /** The listeners while listening (made with the signal). */
  private onCancel: (() => void) | undefined;
  private onClose: (() => void) | undefined;

  constructor(call: AnyCall, closing: AbortSignal | undefined) {
    this.call = call;
    this.closing = closing;
  }

  get signal(): AbortSignal {
    if (this.controller) return this.controller.signal;
    const controller = (this.controller = new AbortController());
    if (this.finished) return controller.signal;
    if (this.call.cancelled) controller.abort(cancelled("call cancelled"));
    else if (this.closing?.aborted) controller.abort(cancelled("server shutting down"));
    else {
      const abort = (why: string) => {
        if (!controller.signal.aborted) controller.abort(cancelled(why));
      };
      this.onCancel = () => abort("call cancelled or deadline exceeded");
      (this.call as ServerUnaryCall<unknown, unknown>).once("cancelled", this.onCancel);
      if (this.closing) {
        this.onClose = () => abort("server shutting down");
        this.closing.addEventListener("abort", this.onClose, { once: true });
      }
    }
    return controller.signal;
  }

  get deadline(): number {
    const d = this.call.getDeadline();
    return d instanceof Date ? d.getTime() : d;
  }

  get metadata(): Metadata {
    return this.call.metadata;
  }

  get peer(): string {
    return this.call.getPeer();
  }

  /** The handler is done: stop listening (the signal, if made, stays as it is). */
  finish(): void {
    this.finished = true;
    if (this.onCancel) (this.call as ServerUnaryCall<unknown, unknown>).removeListener("cancelled", this.onCancel);
    if (this.onClose) this.closing?.removeEventListener("abort", this.onClose);
    this.onCancel = this.onClose = undefined;
  }
}

export type Unary<Req, Res> = (request: Req, ctx: CallContext) => Res | Promise<Res>;

/**
 * A unary handler from a function returning the response or a promise of it. The function runs
 * synchronously in grpc-js's callback, so in the call's own (trace) context, and a response returned
 * synchronously is sent without a round through the microtask queue.
 */
export function unary<Req, Res>(fn: Unary<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const ctx = new GrpcCallContext(call as AnyCall, undefined);
    let result: Res | Promise<Res>;
    try {
      result = fn(checkRequest(call.request), ctx);
    } catch (err) {
      ctx.finish();
      callback(toGrpcStatus(err));
      return;
    }
    if (!isThenable(result)) {
      ctx.finish();
      callback(null, result);
      return;
    }
    result.then(
      (res) => (ctx.finish(), callback(null, res)),
      (err: unknown) => (ctx.finish(), callback(toGrpcStatus(err))),
    );
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
    const ctx = new GrpcCallContext(call as AnyCall, closing);
    const active = context.active();
    Promise.resolve()
      .then(() => context.with(active, () => fn(checkRequest(call.request), sender(call), ctx)))
      .then(() => endWith(call as ServerWritableStream<unknown, unknown>, undefined), (err: unknown) => endWith(call as ServerWritableStream<unknown, unknown>, err))
      .finally(() => ctx.finish());
  };
}

/** A bidi (or client-streaming-with-acks) handler: `fn` iterates the requests and sends responses. */
export function bidiStream<Req, Res>(
  fn: (requests: AsyncIterable<Req>, send: Send<Res>, ctx: CallContext) => Promise<void>,
  closing: AbortSignal,
): handleBidiStreamingCall<Req, Res> {
  return (call) => {
    const ctx = new GrpcCallContext(call as AnyCall, closing);
    async function* requests(): AsyncIterable<Req> {
      // Not `for await (… of call)`: a Readable's default iterator destroys the stream when the client
      // half-closes, which would also close our sending side before the last responses are written.
      for await (const r of (call as unknown as Readable).iterator({ destroyOnReturn: false })) yield checkRequest(r as Req);
    }
    const active = context.active();
    Promise.resolve()
      .then(() => context.with(active, () => fn(requests(), sender(call), ctx)))
      .then(() => endWith(call as ServerDuplexStream<unknown, unknown>, undefined), (err: unknown) => endWith(call as ServerDuplexStream<unknown, unknown>, err))
      .finally(() => ctx.finish());
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
