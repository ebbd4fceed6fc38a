/** Broker-free tests of the Pulsar transport: option resolution, name mapping, message ids, errors. */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { describe, it } from "node:test";
import { isRtmlError } from "../../errors.ts";
import { comparePositions, decodeMessageId, formatMessageId } from "./message-id.ts";
import { resolveOptions, topicName } from "./options.ts";
import { createPulsarTransport } from "./pulsar-transport.ts";

describe("pulsar transport options", () => {
  it("derives the WebSocket URL from the admin URL", () => {
    assert.equal(resolveOptions({ adminUrl: "http://127.0.0.1:8080/" }).wsUrl, "ws://127.0.0.1:8080");
    assert.equal(resolveOptions({ adminUrl: "https://pulsar.example:8443" }).wsUrl, "wss://pulsar.example:8443");
    assert.throws(() => resolveOptions({ adminUrl: "pulsar://x:6650" }), (err: unknown) => isRtmlError(err, "INVALID_ARGUMENT"));
  });

  it("maps logical topic names into the tenant and namespace", () => {
    const o = resolveOptions({ adminUrl: "http://h:8080", tenant: "t1", namespace: "ns" });
    assert.deepEqual(topicName(o, "events.raw"), { logical: "events.raw", full: "persistent://t1/ns/events.raw", path: "persistent/t1/ns/events.raw" });
    assert.equal(topicName(o, "non-persistent://a/b/c").full, "non-persistent://a/b/c");
    assert.equal(topicName(o, "a b").path, "persistent/t1/ns/a%20b");
    assert.throws(() => topicName(o, "a/b"), (err: unknown) => isRtmlError(err, "INVALID_ARGUMENT"));
    assert.equal(resolveOptions({ adminUrl: "http://h:8080" }).tenant, "rtml");
  });
});

describe("pulsar message ids", () => {
  it("decodes MessageIdData and prints ledger:entry:partition[:batch]", () => {
    // ledgerId 8, entryId 3 (the WS docs' example), then with partition 2 and batch index 5
    assert.equal(formatMessageId("CAgQAw=="), "8:3:-1");
    const withBatch = Buffer.from([0x08, 0x08, 0x10, 0x03, 0x18, 0x02, 0x20, 0x05]).toString("base64");
    assert.deepEqual(decodeMessageId(withBatch), { ledgerId: 8, entryId: 3, partition: 2, batchIndex: 5 });
    assert.equal(formatMessageId(withBatch), "8:3:2:5");
    const big = Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x10, 0x01]).toString("base64");
    assert.equal(decodeMessageId(big).ledgerId, 2 ** 32 - 1);
    assert.ok(comparePositions(decodeMessageId("CAgQAw=="), decodeMessageId("CAgQBA==")) < 0);
  });
});

describe("pulsar transport errors", () => {
  it("rejects UNAVAILABLE when no broker answers, without leaking the token", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const token = "secret-token-do-not-log";
    await assert.rejects(createPulsarTransport({ adminUrl: `http://127.0.0.1:${port}`, token, operationTimeoutMs: 2000 }), (err: unknown) => {
      assert.ok(isRtmlError(err, "UNAVAILABLE"), String(err));
      assert.ok(!String((err as Error).message).includes(token));
      return true;
    });
  });

  it("sends the token as a Bearer header to the admin API and maps 401 to UNAUTHENTICATED", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { "Content-Type": "application/json" }).end('{"reason":"no"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await assert.rejects(createPulsarTransport({ adminUrl: `http://127.0.0.1:${port}`, token: "t0k" }), (err: unknown) =>
        isRtmlError(err, "UNAUTHENTICATED"),
      );
      assert.deepEqual(seen.slice(0, 1), ["Bearer t0k"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
