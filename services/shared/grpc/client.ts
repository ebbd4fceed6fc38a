/**
 * The project's own gRPC client (used by `rtml status`, `rtml replay --to`, infer's feature lookup and
 * the tests): promise and async-iterator calls over the same proto definitions the servers load, with a
 * default deadline on every call and errors turned back into RtmlError by `fromGrpcError`.
 *
 * @example
 * const health = createGrpcClient("127.0.0.1:50051", "grpc.health.v1.Health");
 * // const { status } = await health.unary<{ service: string }, { status: number }>("Check", { service: "" });
 * health.close();
 */
import * as grpc from "@grpc/grpc-js";
import { RtmlError } from "../errors.ts";
import { clientConstructor } from "./load-proto.ts";
import { fromGrpcError } from "./status.ts";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./server.ts";

export interface GrpcClientTlsOptions {
  /** PEM CA bundle to check the server against (default: the system roots). */
  ca?: Buffer | string;
  /** Client certificate and key, for mTLS. */
  cert?: Buffer | string;
  key?: Buffer | string;
  /** Expected server name, when it differs from the address's host. */
  serverName?: string;
}

export interface GrpcClientOptions {
  tls?: GrpcClientTlsOptions;
  /** Deadline of a call that sets none. Default 10 s. Streams get none by default. */
  deadlineMs?: number;
  maxMessageBytes?: number;
}

export interface CallOptions {
  deadlineMs?: number;
  /** Absolute deadline (epoch ms), e.g. the caller's own call deadline, for propagation. */
  deadline?: number;
  signal?: AbortSignal;
  metadata?: Record<string, string>;
}

export interface GrpcClient {
  unary<Req, Res>(method: string, request: Req, options?: CallOptions): Promise<Res>;
  serverStream<Req, Res>(method: string, request: Req, options?: CallOptions): AsyncIterable<Res>;
  /** Writes every request (then half-closes) while yielding the responses. */
  bidi<Req, Res>(method: string, requests: AsyncIterable<Req> | Iterable<Req>, options?: CallOptions): AsyncIterable<Res>;
  /** Resolves once connected; rejects UNAVAILABLE after `deadlineMs`. */
  waitForReady(deadlineMs?: number): Promise<void>;
  close(): void;
}

const buf = (v: Buffer | string | undefined) => (v === undefined ? null : typeof v === "string" ? Buffer.from(v) : v);

export function createGrpcClient(address: string, service: string, options: GrpcClientOptions = {}): GrpcClient {
  const Ctor = clientConstructor(service);
  const tls = options.tls;
  const creds = tls ? grpc.credentials.createSsl(buf(tls.ca), buf(tls.key), buf(tls.cert)) : grpc.credentials.createInsecure();
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const client = new Ctor(address, creds, {
    "grpc.max_receive_message_length": maxBytes,
    "grpc.max_send_message_length": maxBytes,
    "grpc.keepalive_time_ms": 30_000,
    ...(tls?.serverName ? { "grpc.ssl_target_name_override": tls.serverName, "grpc.default_authority": tls.serverName } : {}),
  });
  const dflt = options.deadlineMs ?? 10_000;

  function method(name: string): (...args: unknown[]) => grpc.ClientUnaryCall & grpc.ClientReadableStream<unknown> & grpc.ClientDuplexStream<unknown, unknown> {
    const fn = (client as unknown as Record<string, unknown>)[name];
    if (typeof fn !== "function") throw new RtmlError("UNIMPLEMENTED", `${service} has no method ${name}`);
    return (fn as (...a: unknown[]) => never).bind(client);
  }

  function callOptions(o: CallOptions | undefined, stream: boolean): grpc.CallOptions {
    const deadline = o?.deadline ?? (o?.deadlineMs !== undefined ? Date.now() + o.deadlineMs : stream ? undefined : Date.now() + dflt);
    return deadline === undefined || !Number.isFinite(deadline) ? {} : { deadline };
  }

  function meta(o: CallOptions | undefined): grpc.Metadata {
    const m = new grpc.Metadata();
    for (const [k, v] of Object.entries(o?.metadata ?? {})) m.set(k, v);
    return m;
  }

  function cancelOn(call: { cancel(): void }, signal: AbortSignal | undefined) {
    if (!signal) return;
    if (signal.aborted) call.cancel();
    else signal.addEventListener("abort", () => call.cancel(), { once: true });
  }

  async function* iterate<Res>(stream: AsyncIterable<unknown>): AsyncIterable<Res> {
    try {
      for await (const m of stream) yield m as Res;
    } catch (err) {
      throw fromGrpcError(err);
    }
  }

  return {
    unary<Req, Res>(name: string, request: Req, o?: CallOptions) {
      return new Promise<Res>((resolve, reject) => {
        const call = method(name)(request, meta(o), callOptions(o, false), (err: grpc.ServiceError | null, res: Res) =>
          err ? reject(fromGrpcError(err)) : resolve(res),
        );
        cancelOn(call, o?.signal);
      });
    },
    serverStream<Req, Res>(name: string, request: Req, o?: CallOptions) {
      const call = method(name)(request, meta(o), callOptions(o, true));
      cancelOn(call, o?.signal);
      return iterate<Res>(call);
    },
    bidi<Req, Res>(name: string, requests: AsyncIterable<Req> | Iterable<Req>, o?: CallOptions) {
      const call = method(name)(meta(o), callOptions(o, true));
      cancelOn(call, o?.signal);
      (async () => {
        for await (const r of requests) {
          if (!call.write(r)) await new Promise((resolve) => call.once("drain", resolve));
        }
        call.end();
      })().catch((err: unknown) => call.destroy(err as Error));
      return iterate<Res>(call);
    },
    waitForReady(deadlineMs = dflt) {
      return new Promise<void>((resolve, reject) =>
        client.waitForReady(Date.now() + deadlineMs, (err) =>
          err ? reject(new RtmlError("UNAVAILABLE", `${address}: ${err.message}`, { cause: err })) : resolve(),
        ),
      );
    },
    close: () => client.close(),
  };
}
