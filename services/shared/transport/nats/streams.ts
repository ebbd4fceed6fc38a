/**
 * One JetStream stream per topic: created on first use (publish, subscribe, read, ensureTopic) with
 * limits retention (a topic keeps its messages for read() and late subscriptions; bound it with
 * maxAgeMs / maxBytes), and turned compacted by ensureTopic(topic, { compacted: true }):
 * max_msgs_per_subject = 1 over the per-key subjects keeps the latest message per key.
 */
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { RtmlError } from "../../errors.ts";
import { topicNames, type TopicNames } from "./names.ts";

/** Stream settings shared by every topic of a transport. */
export interface StreamDefaults {
  readonly prefix: string;
  readonly storage: "file" | "memory";
  readonly maxAgeMs: number;
  readonly maxBytes: number;
  readonly replicas: number;
}

/** Ensures streams, remembering those already checked by this transport. */
export interface StreamRegistry {
  names(topic: string): TopicNames;
  ensure(topic: string, compacted?: boolean): Promise<TopicNames>;
}

/** True for a JetStream API error with this code. */
export function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

function config(names: TopicNames, defaults: StreamDefaults, compacted: boolean): Partial<StreamConfig> & { name: string } {
  return {
    name: names.stream,
    subjects: [names.subject, names.keyedWildcard],
    retention: RetentionPolicy.Limits,
    storage: defaults.storage === "memory" ? StorageType.Memory : StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: defaults.maxAgeMs > 0 ? nanos(defaults.maxAgeMs) : 0,
    max_bytes: defaults.maxBytes > 0 ? defaults.maxBytes : -1,
    max_msgs_per_subject: compacted ? 1 : -1,
    num_replicas: defaults.replicas,
    description: `rtml topic ${names.topic}${compacted ? " (compacted)" : ""}`,
  };
}

export function createStreamRegistry(jsm: JetStreamManager, defaults: StreamDefaults): StreamRegistry {
  const known = new Map<string, Promise<TopicNames>>();
  const compactedKnown = new Set<string>();

  async function create(names: TopicNames, compacted: boolean): Promise<TopicNames> {
    try {
      const info = await jsm.streams.info(names.stream);
      if (compacted && info.config.max_msgs_per_subject !== 1) {
        await jsm.streams.update(names.stream, { ...info.config, max_msgs_per_subject: 1 });
      }
      return names;
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
    }
    try {
      await jsm.streams.add(config(names, defaults, compacted));
    } catch (err) {
      // Another client may have created it meanwhile: that is fine, anything else is not.
      try {
        await jsm.streams.info(names.stream);
      } catch {
        throw new RtmlError("UNAVAILABLE", `cannot create stream ${names.stream}: ${String(err)}`, { cause: err });
      }
    }
    return names;
  }

  return {
    names: (topic) => topicNames(defaults.prefix, topic),
    ensure(topic, compacted = false) {
      if (compacted && !compactedKnown.has(topic)) {
        compactedKnown.add(topic);
        const p = create(topicNames(defaults.prefix, topic), true);
        known.set(topic, p);
        p.catch(() => {
          known.delete(topic);
          compactedKnown.delete(topic);
        });
        return p;
      }
      let p = known.get(topic);
      if (p === undefined) {
        p = create(topicNames(defaults.prefix, topic), false);
        known.set(topic, p);
        p.catch(() => known.delete(topic));
      }
      return p;
    },
  };
}
