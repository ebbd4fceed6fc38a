/**
 * Runs the transport contract suite on the NATS JetStream transport against a real nats-server
 * (test/support/nats-server.ts). Without a server binary the suite is skipped with the reason,
 * except under CI (process.env.CI), where a missing server fails.
 */
import { after, before, describe, it } from "node:test";
import { describeTransportContract } from "../../services/shared/transport/contract/transport.contract.ts";
import { createNatsTransport } from "../../services/shared/transport/nats/nats-transport.ts";
import { findNatsServer, startNatsServer, type NatsServer } from "../support/nats-server.ts";

const bin = findNatsServer();

if (bin === undefined && process.env.CI === undefined) {
  describe("transport contract: nats", () => {
    it("runs against a real nats-server", { skip: "nats-server is not installed (apt-get install -y nats-server)" }, () => {});
  });
} else {
  let server: NatsServer | undefined;
  before(async () => {
    server = await startNatsServer(bin);
  });
  after(async () => {
    await server?.stop();
  });
  describeTransportContract("nats", {
    create: () => createNatsTransport({ servers: (server as NatsServer).url, storage: "memory", leasePollMs: 100 }),
    topicPrefix: () => "contract.",
  });
}
