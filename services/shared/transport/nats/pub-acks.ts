/**
 * JetStream publishes whose acks are matched here, as the Go client's PublishAsync does: every message
 * goes out as a core publish with its own reply subject under one wildcard subscription, and its promise
 * settles when the stream's PubAck (or error) comes back to that subject. nats.js's `js.publish` makes
 * each publish a request instead: a request object with its own timer and mux entry, and, once it has
 * resolved, a discarded `new RequestError("cancelled")` with a stack trace (RequestOne.cancel); that was
 * ~7% of a mesh service's CPU. Here one timer sweeps the deadlines.
 *
 * Semantics are js.publish's without retries: `Nats-Expected-Stream` is checked by the server; "no
 * responders" (no stream takes the subject, or JetStream is down) and a PubAck that carries an error
 * reject; a PubAck that never comes rejects after `timeoutMs`. While the client reconnects, nats.js
 * buffers the publishes and re-subscribes the wildcard, so acks of messages sent after the reconnect
 * arrive; an ack lost with the connection times out, and the caller retries (the runner does).
 */
import { createInbox, headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { RtmlError } from "../../errors.ts";

export interface PubAcks {
  /** Publishes to `subject` (a subject of `stream`); resolves to the stream sequence. */
  publish(subject: string, payload: Uint8Array, headers: MsgHdrs | undefined, stream: string): Promise<number>;
  /** Rejects every pending publish with `err` and drops the subscription. */
  close(err: Error): void;
}

export interface PubAcksOptions {
  /** How long a publish waits for its PubAck. Default 5000 ms (js.publish's default). */
  timeoutMs?: number;
  /** Runs a publish's write (write-batcher.ts, to share a socket write with others). Default: at once. */
  defer?: (write: () => void) => void;
}

interface Pending {
  resolve(seq: number): void;
  reject(err: Error): void;
  deadline: number;
}

/** A PubAck: `{"stream":"S","seq":7}`, or `{"error":{"code":…,"err_code":…,"description":"…"}}`. */
interface PubAck {
  stream?: string;
  seq?: number;
  error?: { code?: number; err_code?: number; description?: string };
}

export function createPubAcks(nc: NatsConnection, options: PubAcksOptions = {}): PubAcks {
  const timeoutMs = options.timeoutMs ?? 5000;
  const defer = options.defer ?? ((write: () => void) => write());
  const prefix = `${createInbox()}.`;
  const pending = new Map<number, Pending>();
  let next = 0;
  let closed: Error | undefined;

  const settle = (msg: Msg): void => {
    const id = Number(msg.subject.slice(prefix.length));
    const p = pending.get(id);
    if (p === undefined) return; // timed out already
    pending.delete(id);
    if (msg.headers?.hasError) {
      const what = msg.headers.code === 503 ? "no JetStream stream answered (no responders)" : msg.headers.description;
      p.reject(new RtmlError("UNAVAILABLE", `publish not acknowledged: ${what}`, { details: { status: msg.headers.code } }));
      return;
    }
    let ack: PubAck;
    try {
      ack = msg.json<PubAck>();
    } catch (err) {
      p.reject(new RtmlError("INTERNAL", "publish acknowledged with an unreadable PubAck", { cause: err }));
      return;
    }
    if (ack.error !== undefined || typeof ack.seq !== "number") {
      const e = ack.error ?? {};
      p.reject(new RtmlError(e.code === 503 ? "UNAVAILABLE" : "FAILED_PRECONDITION", `JetStream refused the publish: ${e.description ?? JSON.stringify(ack)}`, {
        details: { code: e.code, err_code: e.err_code },
      }));
      return;
    }
    p.resolve(ack.seq);
  };

  const sub: Subscription = nc.subscribe(`${prefix}*`, {
    callback: (err, msg) => {
      if (err !== null) failAll(RtmlError.from(err, "UNAVAILABLE"));
      else settle(msg);
    },
  });

  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [id, p] of pending) {
      if (p.deadline > now) continue;
      pending.delete(id);
      p.reject(new RtmlError("UNAVAILABLE", `publish not acknowledged within ${timeoutMs} ms`));
    }
  }, Math.max(50, Math.min(1000, Math.floor(timeoutMs / 4))));
  sweep.unref();

  function failAll(err: Error): void {
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) p.reject(err);
  }

  return {
    publish(subject, payload, headers, stream) {
      if (closed !== undefined) return Promise.reject(closed);
      const h = headers ?? natsHeaders();
      h.append("Nats-Expected-Stream", stream); // codec.ts never writes it: no earlier value to replace
      const id = next++;
      return new Promise<number>((resolve, reject) => {
        pending.set(id, { resolve, reject, deadline: performance.now() + timeoutMs });
        defer(() => {
          if (!pending.has(id)) return; // closed meanwhile
          try {
            nc.publish(subject, payload, { headers: h, reply: prefix + id });
          } catch (err) {
            pending.delete(id);
            reject(RtmlError.from(err, "UNAVAILABLE"));
          }
        });
      });
    },
    close(err) {
      closed ??= err;
      clearInterval(sweep);
      failAll(err);
      if (!sub.isClosed()) sub.unsubscribe();
    },
  };
}
