/**
 * `npm run pulsar:standalone`: a Pulsar standalone broker in the foreground on the default ports
 * (6650 binary, 8080 HTTP / WebSocket / admin), data kept in ${RTML_CACHE:-~/.cache/rtml}/pulsar-<v>/data.
 * Prints when it is ready; Ctrl-C stops it cleanly.
 *   flags: --binary-port N --http-port N --data-dir DIR --fresh (wipe data first) --quiet (log to a file)
 */
import { parseArgs } from "node:util";
import { startPulsarBroker } from "./broker.ts";

const { values } = parseArgs({
  options: {
    "binary-port": { type: "string", default: "6650" },
    "http-port": { type: "string", default: "8080" },
    "data-dir": { type: "string" },
    fresh: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
  },
});
const binaryPort = Number(values["binary-port"]);
const cache = process.env.RTML_CACHE ?? `${process.env.HOME}/.cache/rtml`;
const version = process.env.RTML_PULSAR_VERSION ?? "4.0.7";
const dataDir = values["data-dir"] ?? `${cache}/pulsar-${version}/data/standalone-${binaryPort}`;

console.log(`pulsar:standalone: starting Pulsar ${version} (data ${dataDir}); the first run downloads ~230 MB of jars`);
const broker = await startPulsarBroker({
  binaryPort,
  httpPort: Number(values["http-port"]),
  dataDir,
  fresh: values.fresh,
  log: values.quiet ? `${dataDir}.log` : "inherit",
});
console.log(`pulsar:standalone: READY in ${(broker.startMs / 1000).toFixed(1)} s: ${broker.serviceUrl}  ${broker.adminUrl}  ws${broker.adminUrl.slice(4)}/ws/v2/`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log("pulsar:standalone: stopping");
  await broker.stop();
  console.log("pulsar:standalone: stopped");
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
