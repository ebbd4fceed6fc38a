/**
 * The whole mesh as six `rtml serve` processes on a real nats-server (JetStream, loopback, free port):
 * the same results as the embedded run on the same data and label delay, and nothing lost when each
 * service is killed with SIGKILL mid-stream and the server is restarted. Skipped with the reason when
 * nats-server is not installed, except under CI, where that fails.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { agreementScenario, AGREEMENT, faultScenario, FAULTS, rawDifferences, uninterruptedRaw } from "../support/mesh-scenarios.ts";
import { findNatsServer, startNatsServer, type NatsServer } from "../support/nats-server.ts";

const bin = findNatsServer();
if (bin === undefined && process.env.CI !== undefined) throw new Error("CI: nats-server is not installed (bash scripts/nats/install-nats.sh)");
const skip = bin === undefined ? "nats-server is not installed (bash scripts/nats/install-nats.sh)" : false;

const servers: NatsServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});
async function server(): Promise<NatsServer> {
  const s = await startNatsServer(bin);
  servers.push(s);
  return s;
}

describe("six processes on NATS", { skip, concurrency: false }, () => {
  it(`Elec2 (${AGREEMENT.events} events, labels ${AGREEMENT.labelDelay.events} events late, ${AGREEMENT.rate}/s): every event accounted, accuracy within 0.005 of the embedded run`, { timeout: 240_000 }, async () => {
    const nats = await server();
    const { processes, embedded } = await agreementScenario({ RTML_TRANSPORT: "nats", NATS_URL: nats.url });
    const detail = JSON.stringify({ processes, embedded: { ...embedded, accuracy_by_segment: undefined } });
    assert.equal(processes.events_in, AGREEMENT.events, detail);
    assert.equal(processes.lost, 0, detail);
    assert.equal(processes.predictions + processes.rejected, AGREEMENT.events, detail);
    assert.equal(embedded.lost, 0, detail);
    assert.ok(Math.abs(processes.accuracy - embedded.accuracy) <= 0.005, `accuracy ${processes.accuracy} vs embedded ${embedded.accuracy}: ${detail}`);
  });

  it(`faults: kill -9 each service in turn and restart nats-server mid-stream; every event once, lost 0, feature aggregates as uninterrupted`, { timeout: 420_000 }, async () => {
    const nats = await server();
    const reference = await uninterruptedRaw();
    const { summary, raw, log } = await faultScenario({ RTML_TRANSPORT: "nats", NATS_URL: nats.url }, () => nats.restart(1000));
    const detail = JSON.stringify({ summary, log });
    assert.equal(log.steps.length, 7, detail);
    assert.equal(summary.events_in, FAULTS.events, detail);
    assert.equal(summary.lost, 0, detail);
    assert.equal(summary.predictions + summary.rejected, FAULTS.events, detail);
    assert.deepEqual(summary.feature_mismatches, [], detail);
    assert.equal(reference.size, FAULTS.events);
    assert.deepEqual(rawDifferences(reference, raw), [], detail);
  });
});
