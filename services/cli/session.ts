/**
 * `rtml up` on a real broker runs in a session of its own, as the embedded run has a fresh memory
 * transport: a Pulsar namespace `<RTML_PULSAR_NAMESPACE>-<session>` or NATS streams prefixed
 * `rtml-<session>`. Without it a second run would find the first one's state — feature's processed event
 * ids (the replay's ids are the same every run: all of them would be dropped as duplicates), train's model,
 * the ledger's subscription. The session's topics are deleted when the run ends (best effort).
 * `rtml serve` never uses a session: its topics are the deployment's.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { randomBytes } from "node:crypto";
import type { RtmlConfig } from "../shared/config.ts";
import type { Logger } from "../shared/logger.ts";
import { adminCall, adminRequest } from "../shared/transport/pulsar/http.ts";
import { resolveOptions } from "../shared/transport/pulsar/options.ts";

export interface BrokerSession {
  readonly id: string;
  /** The configuration with the session's namespace (Pulsar). */
  readonly config: RtmlConfig;
  /** The NATS stream prefix of the session. */
  readonly natsStreamPrefix: string;
  /** Where the session lives, for logs: `pulsar rtml/default-up-…` or `nats rtml-up-…_*`. */
  readonly where: string;
  /** Deletes the session's topics (and the Pulsar namespace); call after the transport is closed. */
  drop(logger: Logger): Promise<void>;
}

/** A new session id: `up-<time>-<random>` (Pulsar namespace and NATS stream name safe). */
export function newSessionId(now = Date.now()): string {
  return `up-${now.toString(36)}-${randomBytes(3).toString("hex")}`;
}

export function createBrokerSession(config: RtmlConfig, id = newSessionId()): BrokerSession {
  const namespace = `${config.pulsarNamespace}-${id}`;
  const natsStreamPrefix = `rtml-${id}`;
  const sessionConfig = config.transport === "pulsar" ? { ...config, pulsarNamespace: namespace } : config;
  return {
    id,
    config: sessionConfig,
    natsStreamPrefix,
    where: config.transport === "pulsar" ? `pulsar ${config.pulsarTenant}/${namespace}` : config.transport === "nats" ? `nats ${natsStreamPrefix}_*` : "memory",
    async drop(logger) {
      try {
        if (config.transport === "pulsar") await dropPulsarNamespace(sessionConfig);
        else if (config.transport === "nats") await dropNatsStreams(config.natsUrl, natsStreamPrefix);
      } catch (err) {
        logger.warn("could not delete the session's topics", { session: id, err });
      }
    },
  };
}

async function dropPulsarNamespace(config: RtmlConfig): Promise<void> {
  const options = resolveOptions({
    adminUrl: config.pulsarAdminUrl, tenant: config.pulsarTenant, namespace: config.pulsarNamespace,
    ...(config.pulsarToken ? { token: config.pulsarToken } : {}), operationTimeoutMs: 15_000,
  });
  const ns = `${options.tenant}/${options.namespace}`;
  const res = await adminCall(options, "GET", `/admin/v2/namespaces/${ns}/topics`, undefined, [404]);
  if (res.status === 404) return;
  const topics = JSON.parse(res.body) as string[];
  // Partitions are deleted with their partitioned topic; the others one by one (force: consumers may linger).
  const partitioned = JSON.parse((await adminCall(options, "GET", `/admin/v2/persistent/${ns}/partitioned`)).body) as string[];
  for (const t of partitioned) await adminRequest(options, "DELETE", `/admin/v2/${pathOf(t)}/partitions?force=true`);
  for (const t of topics.filter((x) => !/-partition-\d+$/.test(x))) await adminRequest(options, "DELETE", `/admin/v2/${pathOf(t)}?force=true`);
  await adminCall(options, "DELETE", `/admin/v2/namespaces/${ns}`, undefined, [404]);
}

/** persistent://t/ns/x → persistent/t/ns/<x encoded> */
function pathOf(full: string): string {
  const m = /^([a-z-]+):\/\/([^/]+)\/([^/]+)\/(.+)$/.exec(full);
  return m === null ? full : `${m[1]}/${m[2]}/${m[3]}/${encodeURIComponent(m[4])}`;
}

async function dropNatsStreams(servers: string, prefix: string): Promise<void> {
  const nc = await connect({ servers, name: "rtml-session-drop", timeout: 5000 });
  try {
    const jsm = await jetstreamManager(nc);
    const doomed: string[] = [];
    for await (const s of jsm.streams.list()) {
      const name = s.config.name;
      if (name.startsWith(`${prefix}_`) || name === `KV_${prefix}_leases`) doomed.push(name);
    }
    for (const name of doomed) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}
