/** Pieces of one delivery's handling: the per-message deadline and the dead-letter record. */
import { RtmlError } from "../errors.ts";
import type { InboundMessage, PublishOptions } from "../transport/transport.ts";

function expire(reject: (err: unknown) => void, name: string, timeoutMs: number): void {
  reject(new RtmlError("DEADLINE_EXCEEDED", `${name}: process() took longer than ${timeoutMs} ms`));
}

/** Waits for an async process() result, rejecting DEADLINE_EXCEEDED after `timeoutMs`. */
export function createDeadline(name: string, timeoutMs: number): (result: PromiseLike<void>) => Promise<void> {
  return (result) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(expire, timeoutMs, reject, name, timeoutMs);
      result.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
}

/**
 * How the runner dead-letters a message itself (an undecodable payload): key, event time and
 * properties kept, plus the error and Pulsar's REAL_TOPIC / ORIGIN_MESSAGE_ID, as the broker does.
 */
export function deadLetterOptions(msg: InboundMessage, err: unknown): PublishOptions {
  const properties: Record<string, string> = { ...msg.properties };
  properties["rtml-error"] = err instanceof Error ? err.message : String(err);
  if (err instanceof RtmlError) properties["rtml-error-code"] = err.code;
  properties.REAL_TOPIC = msg.topic;
  properties.ORIGIN_MESSAGE_ID = msg.messageId;
  return { key: msg.key, properties, eventTime: msg.eventTime };
}
