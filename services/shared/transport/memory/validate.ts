/** Argument checks of the memory transport; every failure is RtmlError INVALID_ARGUMENT. */
import { RtmlError } from "../../errors.ts";
import type { PublishOptions, SubscribeOptions, SubscriptionType } from "../transport.ts";
import { copyBytes } from "./slab.ts";
import type { StoreState } from "./types.ts";

const TYPES: ReadonlySet<string> = new Set<SubscriptionType>(["exclusive", "shared", "failover", "key_shared"]);

function invalid(message: string, details: Record<string, unknown> = {}): RtmlError {
  return new RtmlError("INVALID_ARGUMENT", message, { details });
}

/** A topic name is a non-empty string. */
export function validateTopic(topic: string): void {
  if (typeof topic !== "string" || topic.length === 0) throw invalid("topic must be a non-empty string", { topic });
}

/** A validated message: private copies of payload and properties. */
export interface ValidMessage {
  payload: Uint8Array;
  key: string | undefined;
  properties: Readonly<Record<string, string>>;
  eventTime: number | undefined;
}

const NO_PROPERTIES: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Checks a publish and copies what the publisher could later mutate. Compacted topics get exact
 * copies: their entries live as long as their key, and must not pin shared slabs.
 */
export function validatePublish(
  store: StoreState,
  topic: string,
  payload: Uint8Array,
  options: PublishOptions | undefined,
  compacted: boolean,
): ValidMessage {
  validateTopic(topic);
  if (!(payload instanceof Uint8Array)) throw invalid("payload must be a Uint8Array", { topic });
  if (payload.byteLength > store.maxMessageBytes) {
    throw invalid("payload exceeds the maximum message size", {
      topic,
      bytes: payload.byteLength,
      max: store.maxMessageBytes,
    });
  }
  const key = options?.key;
  if (key !== undefined && typeof key !== "string") throw invalid("key must be a string", { topic });
  const eventTime = options?.eventTime;
  if (eventTime !== undefined && !Number.isFinite(eventTime)) {
    throw invalid("eventTime must be a finite number (epoch ms)", { topic, eventTime });
  }
  let properties = NO_PROPERTIES;
  const given = options?.properties;
  if (given !== undefined) {
    const copy: Record<string, string> = { ...given };
    for (const name in copy) {
      if (typeof copy[name] !== "string") throw invalid(`property ${name} must be a string`, { topic, property: name });
    }
    properties = Object.freeze(copy);
  }
  return { payload: compacted ? payload.slice() : copyBytes(store.slab, payload), key, properties, eventTime };
}

/** SubscribeOptions with defaults applied. */
export interface ValidSubscribe {
  subscription: string;
  type: SubscriptionType;
  initialPosition: "earliest" | "latest";
  receiverQueueSize: number;
  ackTimeoutMs: number;
  nackDelayMs: number;
  maxRedeliveries: number | undefined;
  deadLetterTopic: string | undefined;
  consumerName: string | undefined;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw invalid(`${name} must be a finite number >= 0`, { [name]: value });
  return value;
}

/** Checks subscribe options and applies the documented defaults. */
export function validateSubscribe(topic: string, options: SubscribeOptions): ValidSubscribe {
  validateTopic(topic);
  if (typeof options?.subscription !== "string" || options.subscription.length === 0) {
    throw invalid("subscription must be a non-empty string", { topic });
  }
  if (!TYPES.has(options.type)) throw invalid(`unknown subscription type ${String(options.type)}`, { topic });
  const position = options.initialPosition ?? "earliest";
  if (position !== "earliest" && position !== "latest") throw invalid("initialPosition must be earliest or latest");
  const rqs = options.receiverQueueSize ?? 1000;
  if (!Number.isInteger(rqs) || rqs < 1) throw invalid("receiverQueueSize must be an integer >= 1", { rqs });
  const max = options.maxRedeliveries;
  if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
    throw invalid("maxRedeliveries must be an integer >= 0", { maxRedeliveries: max });
  }
  if (options.deadLetterTopic !== undefined) validateTopic(options.deadLetterTopic);
  if (options.consumerName !== undefined && typeof options.consumerName !== "string") {
    throw invalid("consumerName must be a string");
  }
  return {
    subscription: options.subscription,
    type: options.type,
    initialPosition: position,
    receiverQueueSize: rqs,
    ackTimeoutMs: nonNegative("ackTimeoutMs", options.ackTimeoutMs, 0),
    nackDelayMs: nonNegative("nackDelayMs", options.nackDelayMs, 1000),
    maxRedeliveries: max,
    deadLetterTopic: options.deadLetterTopic,
    consumerName: options.consumerName,
  };
}
