/**
 * HTTP for the admin REST API: Node's fetch, or node:https when TLS options (a private CA, a client
 * certificate) are given, since fetch takes no per-request CA. Errors become RtmlErrors: a broker
 * that does not answer is UNAVAILABLE. The token goes in the Authorization header only, never in a
 * URL or a message.
 */
import { request as httpsRequest } from "node:https";
import { RtmlError, type ErrorCode } from "../../errors.ts";
import type { ResolvedOptions } from "./options.ts";

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** gRPC-style code of an HTTP status from the broker. */
export function codeOfStatus(status: number): ErrorCode {
  if (status === 400) return "INVALID_ARGUMENT";
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "PERMISSION_DENIED";
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return "ALREADY_EXISTS";
  if (status === 412) return "FAILED_PRECONDITION";
  if (status === 429) return "RESOURCE_EXHAUSTED";
  if (status === 504 || status === 408) return "DEADLINE_EXCEEDED";
  if (status === 503 || status === 502) return "UNAVAILABLE";
  if (status === 501) return "UNIMPLEMENTED";
  return status >= 500 ? "INTERNAL" : "UNKNOWN";
}

/** Headers of every request (and of WebSocket upgrades). */
export function authHeaders(options: ResolvedOptions): Record<string, string> {
  return options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` };
}

function viaHttps(options: ResolvedOptions, method: string, url: string, headers: Record<string, string>, body: string | undefined): Promise<HttpResponse> {
  const tls = options.tls ?? {};
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method, headers, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized ?? true, timeout: options.operationTimeoutMs },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${options.operationTimeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * One admin request; `path` is relative to the admin URL (e.g. `/admin/v2/tenants/rtml`). Resolves for
 * every HTTP status (callers decide what 404 / 409 mean); rejects UNAVAILABLE when nobody answers.
 */
export async function adminRequest(options: ResolvedOptions, method: string, path: string, body?: unknown): Promise<HttpResponse> {
  const url = options.adminUrl + path;
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders(options) };
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  try {
    const useHttps = url.startsWith("https:") && options.tls !== undefined;
    if (useHttps) return await viaHttps(options, method, url, headers, payload);
    const res = await fetch(url, { method, headers, body: payload, signal: AbortSignal.timeout(options.operationTimeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    throw new RtmlError("UNAVAILABLE", `Pulsar admin API at ${options.adminUrl} did not answer ${method} ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Like adminRequest, but rejects for a status outside `ok` (default 2xx) with the mapped code. */
export async function adminCall(options: ResolvedOptions, method: string, path: string, body?: unknown, ok: readonly number[] = []): Promise<HttpResponse> {
  const res = await adminRequest(options, method, path, body);
  if ((res.status >= 200 && res.status < 300) || ok.includes(res.status)) return res;
  let reason = res.body;
  try {
    reason = (JSON.parse(res.body) as { reason?: string }).reason ?? res.body;
  } catch {
    // not JSON
  }
  throw new RtmlError(codeOfStatus(res.status), `Pulsar admin ${method} ${path}: HTTP ${res.status} ${reason}`.trim(), {
    details: { status: res.status },
  });
}
