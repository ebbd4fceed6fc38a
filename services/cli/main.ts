#!/usr/bin/env node
/**
 * The `rtml` command. Wiring only: it parses arguments, loads the configuration, creates the concrete
 * transport and hands them to the commands.
 *
 *   rtml up [--dataset elec2|phishing|bananas|fraud|fraud-handbook|PATH] [--schema PATH] [--max-events N]
 *           [--rate EPS] [--label-delay N|DURATION] [--model lr|nb|ht] [--drift-at K] [--seed S] [--json]
 *   rtml serve <ingest|validate|feature|infer|train|drift-monitor> [--dataset NAME|PATH]
 */
import { parseArgs } from "node:util";
import { loadConfig, SERVICE_NAMES, type RtmlConfig, type ServiceName } from "../shared/config.ts";
import { parseDuration } from "../shared/dataset/schema.ts";
import { RtmlError } from "../shared/errors.ts";
import { createLogger } from "../shared/logger.ts";
import { createMemoryTransport } from "../shared/transport/memory/memory-transport.ts";
import type { Transport } from "../shared/transport/transport.ts";
import type { LabelDelay } from "../ingest/ingest.ts";
import { serve } from "./serve.ts";
import { runUp, summaryTable } from "./up.ts";

const USAGE = `rtml — a real-time machine-learning mesh

Usage:
  rtml up [options]             run all six services in one process and replay a dataset through them
  rtml serve <service> [opts]   run one service (${SERVICE_NAMES.join(", ")}), as a container does
  rtml help                     this text

Options of up:
  --dataset NAME|PATH   elec2 (default), phishing, bananas, fraud (simulator with drift), fraud-handbook,
                        or a CSV / CSV.gz / JSONL file described by --schema
  --schema PATH         dataset schema (JSON) for a file, or to override a bundled dataset's
  --max-events N        stop after N events
  --rate EPS            events per second (default: as fast as the mesh takes them)
  --label-delay D       publish each label N events (e.g. 500) or a duration (e.g. 2h) after its event
  --model KIND          lr (StandardScaler | LogisticRegression, default), nb (GaussianNB), ht (Hoeffding tree)
  --drift-at K          fraud simulator: the new fraud pattern starts at event K (default: half way)
  --seed S              fraud simulator seed
  --transport memory    the embedded transport (default)
  --json                print the summary as one JSON object on the last line of stdout

Environment: RTML_TRANSPORT, RTML_MODEL, RTML_SNAPSHOT_EVERY, RTML_LOG_LEVEL, RTML_DATASET, PULSAR_URL,
PULSAR_ADMIN_URL, PULSAR_TOKEN, NATS_URL, GRPC_PORT (see README).`;

function parseLabelDelay(text: string | undefined): LabelDelay | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return { events: Number(text) };
  return { ms: parseDuration(text) };
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new RtmlError("INVALID_ARGUMENT", `--${name} must be a non-negative integer, got "${text}"`);
  return n;
}

async function createTransport(config: RtmlConfig): Promise<Transport> {
  if (config.transport === "memory") return createMemoryTransport();
  throw new RtmlError("UNIMPLEMENTED", `transport "${config.transport}" is not available in this build; use RTML_TRANSPORT=memory`);
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dataset: { type: "string" },
      schema: { type: "string" },
      "max-events": { type: "string" },
      rate: { type: "string" },
      "label-delay": { type: "string" },
      model: { type: "string" },
      "drift-at": { type: "string" },
      seed: { type: "string" },
      transport: { type: "string" },
      json: { type: "boolean", default: false },
      exit: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command || command === "help") {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const env = { ...process.env };
  if (values.transport) env.RTML_TRANSPORT = values.transport;
  if (values.model) env.RTML_MODEL = values.model;
  if (values.dataset) env.RTML_DATASET = values.dataset;
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel });

  if (command === "up") {
    const transport = await createTransport(config);
    const summary = await runUp(
      {
        dataset: values.dataset ?? "elec2",
        schema: values.schema,
        maxEvents: positiveInt("max-events", values["max-events"]),
        rate: positiveInt("rate", values.rate),
        labelDelay: parseLabelDelay(values["label-delay"]),
        driftAt: positiveInt("drift-at", values["drift-at"]),
        seed: positiveInt("seed", values.seed),
        json: values.json,
      },
      config,
      transport,
      logger,
    );
    await transport.close();
    if (values.json) process.stdout.write(JSON.stringify(summary) + "\n");
    else process.stdout.write(`\n${summaryTable(summary)}\n`);
    return summary.lost === 0 ? 0 : 1;
  }
  if (command === "serve") {
    const service = rest[0] as ServiceName;
    if (!SERVICE_NAMES.includes(service)) {
      throw new RtmlError("INVALID_ARGUMENT", `rtml serve: unknown service "${rest[0] ?? ""}" (one of ${SERVICE_NAMES.join(", ")})`);
    }
    const transport = await createTransport(config);
    await serve(service, { config, transport, logger, replay: values.dataset });
    await transport.close();
    return 0;
  }
  throw new RtmlError("INVALID_ARGUMENT", `unknown command "${command}"; see rtml help`);
}

/** Runs the command line and exits: 0 on success, 2 on a usage error, 1 otherwise. */
export function run(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`rtml: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(err instanceof RtmlError && err.code === "INVALID_ARGUMENT" ? 2 : 1);
    },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) run(process.argv.slice(2));
