/**
 * Naming of the NATS transport: topics, subscriptions and keys become stream names, durable names,
 * subject tokens and KV keys. One injective escaping serves all four (their charsets intersect in
 * `[A-Za-z0-9_-]` plus `=`): every other UTF-8 byte becomes `=XX`, so distinct names never collide.
 *
 * Layout, for prefix `rtml` and topic `events.raw`:
 * - stream `rtml_events=2Eraw`;
 * - subjects `rtml.events.raw` (keyless messages) and `rtml.events.raw.=k.<key>` (keyed messages: one
 *   subject per key, so a compacted topic is a stream with max_msgs_per_subject = 1);
 * - durable consumer `<subscription>` on that stream;
 * - lease keys `<stream>.<subscription>` in the KV bucket `<prefix>_leases`.
 * `=k` and `=` (an empty token) are never produced by escaping, so no topic's subjects overlap another's.
 */
import { createHash } from "node:crypto";

const SAFE = /^[A-Za-z0-9_-]$/;
const encoder = new TextEncoder();

/** Escapes a string into `[A-Za-z0-9_=-]+` (the empty string becomes `=`). */
export function escapeToken(text: string): string {
  if (text.length === 0) return "=";
  let out = "";
  for (const ch of text) {
    if (SAFE.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of encoder.encode(ch)) out += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Reverses {@link escapeToken}. */
export function unescapeToken(token: string): string {
  if (token === "=") return "";
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === "=") {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(token.charCodeAt(i));
    }
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** Names of one topic's stream and subjects. */
export interface TopicNames {
  readonly topic: string;
  readonly stream: string;
  /** Subject of keyless messages. */
  readonly subject: string;
  /** Wildcard over the per-key subjects. */
  readonly keyedWildcard: string;
}

/** Longest escaped key used verbatim in a subject; longer keys are hashed (the key header keeps it). */
const MAX_KEY_TOKEN = 200;

/** Maps a topic to its stream and subjects. */
export function topicNames(prefix: string, topic: string): TopicNames {
  const subject = `${prefix}.${topic.split(".").map(escapeToken).join(".")}`;
  return { topic, stream: `${prefix}_${escapeToken(topic)}`, subject, keyedWildcard: `${subject}.=k.*` };
}

/** The subject a message with this key is published on. */
export function publishSubject(names: TopicNames, key: string | undefined): string {
  if (key === undefined) return names.subject;
  let token = escapeToken(key);
  if (token.length > MAX_KEY_TOKEN) token = `=h${createHash("sha256").update(key).digest("hex")}`;
  return `${names.subject}.=k.${token}`;
}

/** Durable consumer name of a subscription. */
export function durableName(subscription: string): string {
  return escapeToken(subscription);
}

/** The subscription a durable consumer name stands for. */
export function subscriptionOf(durable: string): string {
  return unescapeToken(durable);
}
