/** Whether a handler's result is a promise (or any thenable) to wait for, rather than a value returned synchronously. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}
