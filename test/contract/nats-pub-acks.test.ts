/**
 * JetStream publishes acknowledged through one wildcard reply subscription (pub-acks.ts), against a real
 * nats-server: sequences, the server's refusals, no responders, timeouts and close.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { RtmlError } from "../../services/shared/errors.ts";
import { createPubAcks } from "../../services/shared/transport/nats/pub-acks.ts";
import { findNatsServer, startNatsServer, type NatsServer } from "../support/nats-server.ts";

const bin = findNatsServer();
const missing = bin === undefined && process.env.CI === undefined ? "nats-server is not installed (apt-get install -y nats-server)" : undefined;
let server: NatsServer | undefined;
let nc: NatsConnection | undefined;
const payload = new TextEncoder().encode("x");

before(async () => {
  if (missing !== undefined) return;
  server = await startNatsServer(bin);
  nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "PA", subjects: ["pa.>"] });
  await jsm.streams.add({ name: "OTHER", subjects: ["other.>"] });
});
after(async () => {
  await nc?.close();
  await server?.stop();
});

const code = (err: unknown) => (err instanceof RtmlError ? err.code : String(err));

test("resolves each publish to its stream sequence, many in flight", { skip: missing }, async () => {
  const acks = createPubAcks(nc!);
  const seqs = await Promise.all(Array.from({ length: 500 }, (_, i) => acks.publish(`pa.${i % 7}`, payload, undefined, "PA")));
  assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: 500 }, (_, i) => i + 1));
  acks.close(new Error("done"));
});

test("rejects what the server refuses: the wrong expected stream (FAILED_PRECONDITION)", { skip: missing }, async () => {
  const acks = createPubAcks(nc!);
  await assert.rejects(acks.publish("other.a", payload, undefined, "PA"), (err) => code(err) === "FAILED_PRECONDITION" && /expected stream/i.test(String(err)));
  acks.close(new Error("done"));
});

test("rejects a subject no stream takes (no responders: UNAVAILABLE)", { skip: missing }, async () => {
  const acks = createPubAcks(nc!);
  await assert.rejects(acks.publish("nowhere.a", payload, undefined, "PA"), (err) => code(err) === "UNAVAILABLE" && /no responders/.test(String(err)));
  acks.close(new Error("done"));
});

test("a publish whose ack never comes times out (UNAVAILABLE), and close rejects what is pending", { skip: missing }, async () => {
  // A plain subscriber on the subject answers nothing: no PubAck, no "no responders".
  const silent = nc!.subscribe("silent.a");
  const acks = createPubAcks(nc!, { timeoutMs: 200 });
  await assert.rejects(acks.publish("silent.a", payload, undefined, "PA"), (err) => code(err) === "UNAVAILABLE" && /within 200 ms/.test(String(err)));
  const pending = acks.publish("silent.a", payload, undefined, "PA");
  acks.close(new RtmlError("FAILED_PRECONDITION", "closed"));
  await assert.rejects(pending, (err) => code(err) === "FAILED_PRECONDITION");
  await assert.rejects(acks.publish("pa.a", payload, undefined, "PA"), (err) => code(err) === "FAILED_PRECONDITION");
  silent.unsubscribe();
});
