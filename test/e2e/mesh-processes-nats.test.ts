/**
 * The whole mesh as six `rtml serve` processes on a real nats-server (JetStream, loopback, a free port;
 * one server per test): the same results as the embedded run, and nothing lost when each service is
 * killed with SIGKILL mid-stream and the server is restarted. Skipped with the reason when nats-server
 * is not installed, except under CI, where that fails.
 */
import { after } from "node:test";
import { describeMeshOnBroker } from "../support/mesh-suite.ts";
import { findNatsServer, startNatsServer, type NatsServer } from "../support/nats-server.ts";

const bin = findNatsServer();
if (bin === undefined && process.env.CI !== undefined) throw new Error("CI: nats-server is not installed (bash scripts/nats/install-nats.sh)");

const servers: NatsServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

describeMeshOnBroker("NATS", bin === undefined ? "nats-server is not installed (bash scripts/nats/install-nats.sh)" : false, async () => {
  const server = await startNatsServer(bin);
  servers.push(server);
  return { env: () => ({ RTML_TRANSPORT: "nats", NATS_URL: server.url }), restart: () => server.restart(1000) };
});
