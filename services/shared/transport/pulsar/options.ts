/**
 * Options of the Pulsar transport, their defaults, and the mapping of logical topic names
 * ("events.raw") to Pulsar's ("persistent://rtml/default/events.raw").
 */
import { RtmlError } from "../../errors.ts";

/** TLS for wss:// and https:// (admin and WebSocket share the broker's HTTP port). */
export interface PulsarTlsOptions {
  /** PEM CA bundle that signs the broker's certificate (self-signed / private CA). */
  ca?: string | Buffer;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true; false accepts any certificate (development only). */
  rejectUnauthorized?: boolean;
}

export interface PulsarTransportOptions {
  /** pulsar://host:6650 (informational: the data path is the WebSocket API on adminUrl's port). */
  serviceUrl?: string;
  /** http(s)://host:8080: admin REST API, and the WebSocket API (ws/wss on the same host and port). */
  adminUrl: string;
  /** Default "rtml"; created (with the cluster's name) when missing. */
  tenant?: string;
  /** Default "default"; created when missing. */
  namespace?: string;
  /** JWT sent as `Authorization: Bearer …` on every WebSocket upgrade and admin request; never logged. */
  token?: string;
  tls?: PulsarTlsOptions;
  /** Publishes in flight per topic before further ones queue locally. Default 1000. */
  maxInFlight?: number;
  /** Broker-side producer batching (WS `batchingEnabled`, 1 ms delay). Default false: see README. */
  batching?: boolean;
  /**
   * How long a publish waits for a broker that is down (re-opening the producer with backoff)
   * before it rejects UNAVAILABLE; also the WebSocket connect and admin request timeout. Default 30 000.
   */
  operationTimeoutMs?: number;
  /** Reconnect backoff of consumers and producers: initial and maximum delay (ms). Default 100 / 5 000. */
  backoff?: { initialMs?: number; maxMs?: number };
}

export interface ResolvedOptions {
  readonly adminUrl: string;
  readonly wsUrl: string;
  readonly tenant: string;
  readonly namespace: string;
  readonly token: string | undefined;
  readonly tls: PulsarTlsOptions | undefined;
  readonly maxInFlight: number;
  readonly batching: boolean;
  readonly operationTimeoutMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

const NAME = /^[A-Za-z0-9_.=:-]+$/;

function checkName(what: string, value: string): string {
  if (!NAME.test(value)) throw new RtmlError("INVALID_ARGUMENT", `invalid Pulsar ${what} ${JSON.stringify(value)}`);
  return value;
}

export function resolveOptions(options: PulsarTransportOptions): ResolvedOptions {
  let admin: URL;
  try {
    admin = new URL(options.adminUrl);
  } catch (err) {
    throw new RtmlError("INVALID_ARGUMENT", `adminUrl is not a URL: ${JSON.stringify(options.adminUrl)}`, { cause: err });
  }
  if (admin.protocol !== "http:" && admin.protocol !== "https:") {
    throw new RtmlError("INVALID_ARGUMENT", `adminUrl must be http(s)://, got ${admin.protocol}`);
  }
  const adminUrl = admin.origin + admin.pathname.replace(/\/+$/, "");
  const wsUrl = (admin.protocol === "https:" ? "wss://" : "ws://") + admin.host + admin.pathname.replace(/\/+$/, "");
  return {
    adminUrl,
    wsUrl,
    tenant: checkName("tenant", options.tenant ?? "rtml"),
    namespace: checkName("namespace", options.namespace ?? "default"),
    token: options.token,
    tls: options.tls,
    maxInFlight: Math.max(1, options.maxInFlight ?? 1000),
    batching: options.batching ?? false,
    operationTimeoutMs: options.operationTimeoutMs ?? 30_000,
    backoffInitialMs: options.backoff?.initialMs ?? 100,
    backoffMaxMs: options.backoff?.maxMs ?? 5_000,
  };
}

/** A topic as Pulsar names it. */
export interface TopicName {
  /** The name the caller used (InboundMessage.topic). */
  readonly logical: string;
  /** persistent://tenant/ns/name */
  readonly full: string;
  /** persistent/tenant/ns/name, URL-encoded local part: the path after /ws/v2/producer/ or /admin/v2/. */
  readonly path: string;
}

/**
 * Maps a logical name to tenant/namespace of the transport; a fully qualified
 * `persistent://t/ns/x` or `non-persistent://t/ns/x` is taken as it is.
 */
export function topicName(options: ResolvedOptions, logical: string): TopicName {
  const qualified = /^(persistent|non-persistent):\/\/([^/]+)\/([^/]+)\/(.+)$/.exec(logical);
  const [domain, tenant, namespace, local] =
    qualified === null ? ["persistent", options.tenant, options.namespace, logical] : [qualified[1], qualified[2], qualified[3], qualified[4]];
  if (local.length === 0 || local.includes("/")) {
    throw new RtmlError("INVALID_ARGUMENT", `invalid topic name ${JSON.stringify(logical)}`);
  }
  return {
    logical,
    full: `${domain}://${tenant}/${namespace}/${local}`,
    path: `${domain}/${tenant}/${namespace}/${encodeURIComponent(local)}`,
  };
}
