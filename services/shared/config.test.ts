import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";
import { RtmlError } from "./errors.ts";

test("defaults: memory transport, local Pulsar URLs, elec2, logistic regression", () => {
  const c = loadConfig({});
  assert.equal(c.transport, "memory");
  assert.equal(c.pulsarUrl, "pulsar://127.0.0.1:6650");
  assert.equal(c.pulsarAdminUrl, "http://127.0.0.1:8080");
  assert.equal(c.dataset, "elec2");
  assert.equal(c.model, "lr");
});

test("every problem is listed at once", () => {
  assert.throws(
    () => loadConfig({ RTML_TRANSPORT: "kafka", GRPC_PORT: "70000", PULSAR_URL: "http://x", RTML_MODEL: "svm" }),
    (err: unknown) => {
      assert.ok(err instanceof RtmlError);
      assert.equal(err.code, "INVALID_ARGUMENT");
      assert.equal((err.details.problems as string[]).length, 4);
      return true;
    },
  );
});

test("the Pulsar token is read but never part of an error message", () => {
  const c = loadConfig({ PULSAR_TOKEN: "s3cret" });
  assert.equal(c.pulsarToken, "s3cret");
  try {
    loadConfig({ PULSAR_TOKEN: "s3cret", RTML_TRANSPORT: "bad" });
  } catch (err) {
    assert.ok(!(err as Error).message.includes("s3cret"));
  }
});
