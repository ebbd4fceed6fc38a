/**
 * The one error class of rtml. Codes are named after gRPC status codes; they map to a gRPC status
 * (services/shared/grpc) and to message properties (`rtml-error-code`) in exactly one place each.
 *
 * @example
 * const err = new RtmlError("INVALID_ARGUMENT", "payload too large", { details: { bytes: 2_000_000 } });
 * console.assert(err.code === "INVALID_ARGUMENT" && err.grpcStatus === 3);
 */
export const ErrorCodes = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface RtmlErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class RtmlError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: RtmlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RtmlError";
    this.code = code;
    this.details = options.details ?? {};
  }

  /** The numeric gRPC status of this error's code. */
  get grpcStatus(): number {
    return ErrorCodes[this.code];
  }

  /** Wraps anything thrown into an RtmlError, keeping an RtmlError as it is. */
  static from(reason: unknown, code: ErrorCode = "UNKNOWN"): RtmlError {
    if (reason instanceof RtmlError) return reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new RtmlError(code, message, { cause: reason });
  }
}

/** True when `err` is an RtmlError with one of the given codes. */
export function isRtmlError(err: unknown, ...codes: ErrorCode[]): err is RtmlError {
  return err instanceof RtmlError && (codes.length === 0 || codes.includes(err.code));
}
