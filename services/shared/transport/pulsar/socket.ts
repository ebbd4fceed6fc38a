/**
 * Opening a WebSocket to the broker (`ws` package) with the token header and TLS options, mapping a
 * refused upgrade to an RtmlError: 409 (exclusive subscription busy, producer busy) is
 * FAILED_PRECONDITION, a broker that does not answer is UNAVAILABLE, and so on.
 */
import WebSocket from "ws";
import { RtmlError } from "../../errors.ts";
import { authHeaders, codeOfStatus } from "./http.ts";
import type { ResolvedOptions } from "./options.ts";

export { WebSocket };

/** Resolves with an open socket; `what` names it in errors (never the URL's query, never the token). */
export function openSocket(options: ResolvedOptions, path: string, query: Record<string, string>, what: string): Promise<WebSocket> {
  const qs = new URLSearchParams(query).toString();
  const url = `${options.wsUrl}${path}${qs === "" ? "" : `?${qs}`}`;
  const tls = options.tls ?? {};
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: authHeaders(options),
      handshakeTimeout: options.operationTimeoutMs,
      perMessageDeflate: false,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
    });
    let settled = false;
    const fail = (err: RtmlError): void => {
      if (settled) return;
      settled = true;
      ws.removeAllListeners();
      ws.on("error", () => {});
      ws.terminate();
      reject(err);
    };
    ws.once("open", () => {
      if (settled) return;
      settled = true;
      ws.removeAllListeners("unexpected-response");
      resolve(ws);
    });
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        const code = status === 409 ? "FAILED_PRECONDITION" : status === 500 ? "UNAVAILABLE" : codeOfStatus(status);
        const reason = (res.statusMessage ?? "") + (body.length > 0 && body.length < 500 ? ` ${body.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()}` : "");
        fail(new RtmlError(code, `Pulsar refused ${what}: HTTP ${status} ${reason}`.trim(), { details: { status } }));
      });
      res.on("error", () => fail(new RtmlError("UNAVAILABLE", `Pulsar refused ${what}: HTTP ${res.statusCode}`)));
    });
    ws.once("error", (err) => fail(new RtmlError("UNAVAILABLE", `cannot reach Pulsar at ${options.wsUrl} for ${what}: ${err.message}`, { cause: err })));
  });
}

/** Sends a text frame; resolves when written, rejects UNAVAILABLE when the socket is not open. */
export function sendFrame(ws: WebSocket, frame: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ws.readyState !== WebSocket.OPEN) {
      reject(new RtmlError("UNAVAILABLE", "the connection to Pulsar is closed"));
      return;
    }
    ws.send(JSON.stringify(frame), (err) => (err === undefined || err === null ? resolve() : reject(new RtmlError("UNAVAILABLE", err.message, { cause: err }))));
  });
}

/** Backoff delays: initial, doubling, capped, with ±20% jitter. */
export function backoff(options: ResolvedOptions): () => number {
  let next = options.backoffInitialMs;
  return () => {
    const delay = next * (0.8 + Math.random() * 0.4);
    next = Math.min(next * 2, options.backoffMaxMs);
    return delay;
  };
}
