/**
 * The one place the command picks a concrete transport: RTML_TRANSPORT (or `--transport`) = memory,
 * pulsar (PULSAR_URL, PULSAR_ADMIN_URL, PULSAR_TOKEN, RTML_PULSAR_TENANT / RTML_PULSAR_NAMESPACE) or
 * nats (NATS_URL). `rtml up`, `rtml serve`, the six-process test harness and the benchmark all come here.
 */
import type { RtmlConfig } from "../shared/config.ts";
import { RtmlError } from "../shared/errors.ts";
import type { Logger } from "../shared/logger.ts";
import { createMemoryTransport } from "../shared/transport/memory/memory-transport.ts";
import { createNatsTransport } from "../shared/transport/nats/nats-transport.ts";
import { createPulsarTransport } from "../shared/transport/pulsar/pulsar-transport.ts";
import type { Transport } from "../shared/transport/transport.ts";

export interface CreateTransportOptions {
  /** Client name shown by the broker (NATS). Default "rtml". */
  name?: string;
  /** NATS stream (and lease bucket) prefix. Default "rtml". */
  natsStreamPrefix?: string;
  /** Background faults of the client (NATS fetch errors while reconnecting …) are logged here at debug. */
  logger?: Logger;
}

/**
 * Connects to the configured broker. Rejects UNAVAILABLE (with the URL, never the token) when the
 * broker cannot be reached.
 */
export async function createTransport(config: RtmlConfig, options: CreateTransportOptions = {}): Promise<Transport> {
  switch (config.transport) {
    case "memory":
      return createMemoryTransport();
    case "pulsar":
      try {
        return await createPulsarTransport({
          serviceUrl: config.pulsarUrl,
          adminUrl: config.pulsarAdminUrl,
          tenant: config.pulsarTenant,
          namespace: config.pulsarNamespace,
          ...(config.pulsarToken ? { token: config.pulsarToken } : {}),
        });
      } catch (err) {
        throw new RtmlError("UNAVAILABLE", `cannot reach Pulsar at ${config.pulsarAdminUrl} (PULSAR_ADMIN_URL): ${messageOf(err)}`, { cause: err });
      }
    case "nats":
      try {
        return await createNatsTransport({
          servers: config.natsUrl,
          name: options.name ?? "rtml",
          ...(options.natsStreamPrefix ? { streamPrefix: options.natsStreamPrefix } : {}),
          onError: (err) => options.logger?.debug("nats client fault", { err }),
        });
      } catch (err) {
        throw new RtmlError("UNAVAILABLE", `cannot reach NATS at ${config.natsUrl} (NATS_URL): ${messageOf(err)}`, { cause: err });
      }
    default:
      throw new RtmlError("INVALID_ARGUMENT", `unknown transport "${String(config.transport)}"`);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
