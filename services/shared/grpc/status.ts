/**
 * Errors ↔ gRPC status, in exactly one place: `toGrpcStatus` for what a server sends, `fromGrpcError`
 * for what a client receives. An RtmlError keeps its code (the codes are named after gRPC's); anything
 * else thrown by a handler is INTERNAL, with its message (handlers are ours, messages hold no secrets).
 *
 * @example
 * const s = toGrpcStatus(new RtmlError("NOT_FOUND", "no model v7"));
 * console.assert(s.code === 5 && s.details === "no model v7");
 * console.assert(fromGrpcError({ code: 5, details: "no model v7" }).code === "NOT_FOUND");
 */
import { Metadata, type StatusObject } from "@grpc/grpc-js";
import { ErrorCodes, RtmlError, type ErrorCode } from "../errors.ts";

/** Metadata key carrying an RtmlError's `details.reason` (e.g. "oversize", "limits", "malformed"). */
export const REASON_METADATA_KEY = "rtml-error-reason";

const NAMES = Object.fromEntries(Object.entries(ErrorCodes).map(([k, v]) => [v, k as ErrorCode])) as Record<number, ErrorCode>;

/** The gRPC status a handler's error is sent as. */
export function toGrpcStatus(err: unknown): StatusObject {
  const e = RtmlError.from(err, "INTERNAL");
  const metadata = new Metadata();
  const reason = e.details.reason;
  if (typeof reason === "string") metadata.set(REASON_METADATA_KEY, reason);
  return { code: e.code === "OK" ? ErrorCodes.UNKNOWN : ErrorCodes[e.code], details: e.message, metadata };
}

/** The RtmlError of a failed client call (a grpc-js ServiceError or any `{code, details}`). */
export function fromGrpcError(err: unknown): RtmlError {
  if (err instanceof RtmlError) return err;
  const s = err as Partial<StatusObject> & { message?: string };
  const code = typeof s?.code === "number" ? (NAMES[s.code] ?? "UNKNOWN") : "UNKNOWN";
  const details: Record<string, unknown> = { grpcCode: s?.code };
  const reason = s?.metadata?.get?.(REASON_METADATA_KEY)?.[0];
  if (reason !== undefined) details.reason = String(reason);
  return new RtmlError(code, s?.details || s?.message || String(err), { cause: err, details });
}
