/**
 * The admin REST calls the transport makes: tenant / namespace / topic creation, stats, the last
 * message id, topic policies (retention, compaction) and subscriptions.
 */
import { RtmlError } from "../../errors.ts";
import type { SubscriptionStats, TopicStats } from "../transport.ts";
import { adminCall, adminRequest } from "./http.ts";
import type { ResolvedOptions, TopicName } from "./options.ts";
import type { Position } from "./message-id.ts";

export interface Admin {
  /** Creates the tenant (allowed on every cluster) and namespace once; later calls share the promise. */
  ensureNamespace(): Promise<void>;
  /** Creates a topic (partitioned when partitions > 0); an existing one is fine. */
  createTopic(topic: TopicName, partitions: number): Promise<void>;
  /** Number of partitions (0: not partitioned, or missing). */
  partitions(topic: TopicName): Promise<number>;
  /** Marks a topic compacted: infinite retention (the WS reader reads the raw log) + broker compaction. */
  setCompacted(topic: TopicName): Promise<void>;
  isCompacted(topic: TopicName): Promise<boolean>;
  stats(topic: TopicName): Promise<TopicStats>;
  /** The last message's position, or undefined for an empty topic. */
  lastMessageId(topic: TopicName): Promise<Position | undefined>;
  subscriptions(topic: TopicName): Promise<string[]>;
}

interface RawSubscriptionStats {
  msgBacklog?: number;
  unackedMessages?: number;
  consumers?: unknown[];
}

interface RawTopicStats {
  msgInCounter?: number;
  subscriptions?: Record<string, RawSubscriptionStats>;
}

/** Compaction once the backlog not yet compacted exceeds this (bytes). */
const COMPACTION_THRESHOLD = 1024 * 1024;

export function createAdmin(options: ResolvedOptions): Admin {
  const base = "/admin/v2";
  const ns = `${options.tenant}/${options.namespace}`;
  let namespaceReady: Promise<void> | undefined;

  async function createNamespace(): Promise<void> {
    const tenant = await adminRequest(options, "GET", `${base}/tenants/${options.tenant}`);
    if (tenant.status === 404) {
      const clusters = JSON.parse((await adminCall(options, "GET", `${base}/clusters`)).body) as string[];
      await adminCall(options, "PUT", `${base}/tenants/${options.tenant}`, { adminRoles: [], allowedClusters: clusters }, [409]);
    } else if (tenant.status >= 300) {
      await adminCall(options, "GET", `${base}/tenants/${options.tenant}`);
    }
    await adminCall(options, "PUT", `${base}/namespaces/${ns}`, undefined, [409]);
  }

  const topicPath = (topic: TopicName): string => `${base}/${topic.path}`;

  async function partitions(topic: TopicName): Promise<number> {
    const res = await adminRequest(options, "GET", `${topicPath(topic)}/partitions`);
    if (res.status === 404) return 0;
    if (res.status >= 300) await adminCall(options, "GET", `${topicPath(topic)}/partitions`);
    return (JSON.parse(res.body) as { partitions?: number }).partitions ?? 0;
  }

  return {
    ensureNamespace() {
      namespaceReady ??= createNamespace().catch((err: unknown) => {
        namespaceReady = undefined;
        throw err;
      });
      return namespaceReady;
    },

    async createTopic(topic, count) {
      if (count > 0) {
        await adminCall(options, "PUT", `${topicPath(topic)}/partitions`, count, [409]);
      } else if ((await partitions(topic)) === 0) {
        await adminCall(options, "PUT", topicPath(topic), undefined, [409]);
      }
    },

    partitions,

    async setCompacted(topic) {
      await adminCall(options, "POST", `${topicPath(topic)}/retention`, { retentionTimeInMinutes: -1, retentionSizeInMB: -1 });
      await adminCall(options, "POST", `${topicPath(topic)}/compactionThreshold`, COMPACTION_THRESHOLD);
    },

    async isCompacted(topic) {
      const res = await adminRequest(options, "GET", `${topicPath(topic)}/compactionThreshold`);
      return res.status === 200 && res.body.trim() !== "" && res.body.trim() !== "null";
    },

    async stats(topic) {
      let res = await adminRequest(options, "GET", `${topicPath(topic)}/stats`);
      if (res.status === 404 || res.status === 409) {
        // partitioned topic: the aggregate over its partitions
        res = await adminRequest(options, "GET", `${topicPath(topic)}/partitioned-stats`);
      }
      if (res.status === 404) throw new RtmlError("NOT_FOUND", `topic ${topic.logical} does not exist`);
      if (res.status >= 300) res = await adminCall(options, "GET", `${topicPath(topic)}/stats`);
      const raw = JSON.parse(res.body) as RawTopicStats;
      const subscriptions: Record<string, SubscriptionStats> = {};
      for (const [name, s] of Object.entries(raw.subscriptions ?? {})) {
        subscriptions[name] = { backlog: s.msgBacklog ?? 0, unacked: s.unackedMessages ?? 0, consumers: s.consumers?.length ?? 0 };
      }
      return { published: raw.msgInCounter ?? 0, subscriptions };
    },

    async lastMessageId(topic) {
      const res = await adminRequest(options, "GET", `${topicPath(topic)}/lastMessageId`);
      if (res.status === 404) return undefined;
      if (res.status >= 300) await adminCall(options, "GET", `${topicPath(topic)}/lastMessageId`);
      const id = JSON.parse(res.body) as { ledgerId: number; entryId: number; partitionIndex?: number; batchIndex?: number };
      if (id.entryId < 0) return undefined;
      return { ledgerId: id.ledgerId, entryId: id.entryId, partition: id.partitionIndex ?? -1, batchIndex: id.batchIndex ?? -1 };
    },

    async subscriptions(topic) {
      const res = await adminCall(options, "GET", `${topicPath(topic)}/subscriptions`);
      return (JSON.parse(res.body) as string[]).map(decodeURIComponent);
    },
  };
}
