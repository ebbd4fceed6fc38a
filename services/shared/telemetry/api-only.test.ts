/**
 * The API/SDK split: only the wiring (shared/telemetry/setup.ts, mesh-telemetry.ts, test-support.ts,
 * grpc-instrumentation.ts) and tests import the OpenTelemetry SDK, exporters or instrumentations;
 * everything else in services/ uses @opentelemetry/api alone.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const WIRING = new Set([
  "services/shared/telemetry/setup.ts",
  "services/shared/telemetry/mesh-telemetry.ts",
  "services/shared/telemetry/test-support.ts",
  "services/shared/telemetry/grpc-instrumentation.ts",
]);
const SDK = /from "@opentelemetry\/(?!api"|semantic-conventions)[^"]+"/;

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) yield path;
  }
}

it("only the telemetry wiring imports the OpenTelemetry SDK", () => {
  const offenders = [...sources(join(root, "services"))]
    .map((p) => relative(root, p))
    .filter((p) => !WIRING.has(p) && SDK.test(readFileSync(join(root, p), "utf8")));
  assert.deepEqual(offenders, []);
});
