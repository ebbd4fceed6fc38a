#!/usr/bin/env node
/**
 * The `rtml` command. Wiring only: it parses arguments, loads the configuration, creates the concrete
 * transport and hands them to the commands.
 *
 *   rtml up [--dataset elec2|phishing|bananas|fraud|fraud-handbook|PATH] [--schema PATH] [--max-events N]
 *           [--rate EPS] [--label-delay N|DURATION] [--model lr|lr-avg|nb|ht|hat|arf] [--drift-at K] [--seed S] [--json]
 *   rtml serve <ingest|validate|feature|infer|train|drift-monitor> [--dataset NAME|PATH] [--grpc-port P]
 *   rtml status [--grpc-host H] [--grpc-port P] [--json]
 *   rtml replay --to HOST:PORT [--dataset …] [--max-events N] [--rate EPS] [--label-delay D]
 */
import { parseArgs } from "node:util";
import { loadConfig, SERVICE_NAMES, type ServiceName } from "../shared/config.ts";
import { parseDuration } from "../shared/dataset/schema.ts";
import { RtmlError } from "../shared/errors.ts";
import { createLogger } from "../shared/logger.ts";
import type { LabelDelay } from "../ingest/ingest.ts";
import { clientTlsFromConfig } from "../shared/grpc/grpc-config.ts";
import { grpcPorts } from "./mesh.ts";
import { replayOverGrpc } from "./replay.ts";
import { serve, signalled } from "./serve.ts";
import { queryStatus, statusTable } from "./status.ts";
import { meshTelemetryFromEnv } from "./telemetry.ts";
import { createBrokerSession } from "./session.ts";
import { createTransport } from "./transport.ts";
import { runUp, summaryTable } from "./up.ts";

const USAGE = `rtml — a real-time machine-learning mesh

Usage:
  rtml up [options]             run all six services in one process and replay a dataset through them
  rtml serve <service> [opts]   run one service (${SERVICE_NAMES.join(", ")}), as a container does
  rtml status [opts]            ask all six services over gRPC (health and figures) and print one table
  rtml replay --to HOST:PORT    stream a dataset into a running ingest over gRPC (same dataset options as up)
  rtml help                     this text

Options of up:
  --dataset NAME|PATH   elec2 (default), phishing, bananas, fraud (simulator with drift), fraud-handbook,
                        or a CSV / CSV.gz / JSONL file described by --schema
  --schema PATH         dataset schema (JSON) for a file, or to override a bundled dataset's
  --max-events N        stop after N events
  --rate EPS            events per second (default: as fast as the mesh takes them)
  --label-delay D       publish each label N events (e.g. 500) or a duration (e.g. 2h) after its event
  --model KIND          lr (StandardScaler | LogisticRegression, default), lr-avg (the same with averaged SGD
                        weights: AveragedLogisticRegression), nb (GaussianNB), ht (Hoeffding tree),
                        hat (Hoeffding adaptive tree), arf (adaptive random forest, seeded)
  --drift-at K          fraud simulator: the new fraud pattern starts at event K (default: half way)
  --seed S              fraud simulator seed
  --transport KIND      memory (default: embedded), pulsar (PULSAR_URL, PULSAR_ADMIN_URL, PULSAR_TOKEN) or
                        nats (NATS_URL): the six services in this process on that broker. serve: the same.
  --json                print the summary as one JSON object on the last line of stdout, then exit
  --exit                exit after the summary (default without --json: keep serving gRPC until Ctrl-C)
  --grpc-port P         first gRPC port: ingest P, validate P+1, feature P+2, infer P+3, train P+4,
                        drift-monitor P+5 (default 50051; 0 = free ports). serve: the service's port.
  --grpc-host H         address to bind (up: 127.0.0.1, serve: 0.0.0.0) or, for status, to ask
  --no-grpc             up: do not serve gRPC
  --metrics-port P      up: Prometheus /metrics per service on P..P+5 (same order as --grpc-port; default
                        METRICS_PORT if set, else none). serve: METRICS_PORT, default 9464.

Environment: RTML_TRANSPORT, RTML_MODEL, RTML_SNAPSHOT_EVERY, RTML_LOG_LEVEL, RTML_DATASET, PULSAR_URL,
PULSAR_ADMIN_URL, PULSAR_TOKEN, NATS_URL, GRPC_PORT, GRPC_HOST, GRPC_TLS_CERT, GRPC_TLS_KEY, GRPC_TLS_CA,
GRPC_TLS_CLIENT_AUTH, GRPC_MAX_MESSAGE_BYTES, RTML_FEATURE_ADDR, METRICS_PORT, RTML_TRACE_PARENT, and the
standard OTEL_* variables, e.g. OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 to send traces to
Jaeger (see README).`;

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
      "grpc-port": { type: "string" },
      "grpc-host": { type: "string" },
      "no-grpc": { type: "boolean", default: false },
      "metrics-port": { type: "string" },
      to: { type: "string" },
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

  const grpcPort = positiveInt("grpc-port", values["grpc-port"]);
  if (command === "up") {
    const keepServing = !values.json && !values.exit && !values["no-grpc"];
    // On a broker, a session of its own (a fresh namespace / stream prefix), dropped at the end.
    const session = config.transport === "memory" ? undefined : createBrokerSession(config);
    if (session) logger.info("rtml up session", { where: session.where });
    const transport = await createTransport(session?.config ?? config, { name: "rtml-up", logger, natsStreamPrefix: session?.natsStreamPrefix });
    const metricsPort = positiveInt("metrics-port", values["metrics-port"] ?? (env.METRICS_PORT ? String(config.metricsPort) : undefined));
    const telemetry = meshTelemetryFromEnv(env, logger, metricsPort);
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
        grpc: values["no-grpc"] ? false : { host: values["grpc-host"], basePort: grpcPort ?? 50051 },
        telemetry: telemetry.of,
        untilStopped: keepServing
          ? async (s) => {
              process.stdout.write(`\n${summaryTable(s)}\n\n${endpointsTable(s.grpc_endpoints ?? {})}\nserving gRPC; Ctrl-C stops\n`);
              logger.info("stopping", { signal: await signalled() });
            }
          : undefined,
      },
      session?.config ?? config,
      transport,
      logger,
    ).finally(async () => {
      await telemetry.shutdown();
      await transport.close();
      await session?.drop(logger);
    });
    if (values.json) process.stdout.write(JSON.stringify(summary) + "\n");
    else if (!keepServing) process.stdout.write(`\n${summaryTable(summary)}\n`);
    return summary.lost === 0 ? 0 : 1;
  }
  if (command === "serve") {
    const service = rest[0] as ServiceName;
    if (!SERVICE_NAMES.includes(service)) {
      throw new RtmlError("INVALID_ARGUMENT", `rtml serve: unknown service "${rest[0] ?? ""}" (one of ${SERVICE_NAMES.join(", ")})`);
    }
    const transport = await createTransport(config, { name: `rtml-${service}`, logger });
    try {
      await serve(service, { config, transport, logger, replay: values.dataset, grpcPort });
    } finally {
      await transport.close();
    }
    return 0;
  }
  if (command === "status") {
    const rows = await queryStatus({
      host: values["grpc-host"], ports: grpcPort === undefined ? undefined : grpcPorts({ basePort: grpcPort }), tls: clientTlsFromConfig(config),
    });
    process.stdout.write((values.json ? JSON.stringify(rows) : statusTable(rows)) + "\n");
    return rows.every((r) => r.health === "SERVING") ? 0 : 1;
  }
  if (command === "replay") {
    if (!values.to) throw new RtmlError("INVALID_ARGUMENT", "rtml replay: --to HOST:PORT (a running ingest's gRPC address) is required");
    const summary = await replayOverGrpc({
      to: values.to, dataset: values.dataset ?? "elec2", schema: values.schema, maxEvents: positiveInt("max-events", values["max-events"]),
      rate: positiveInt("rate", values.rate), labelDelay: parseLabelDelay(values["label-delay"]), seed: positiveInt("seed", values.seed),
      driftAt: positiveInt("drift-at", values["drift-at"]), tls: clientTlsFromConfig(config),
    });
    const out = { to: values.to, events: summary.events, labels: summary.labels, elapsed_s: Number((summary.elapsedMs / 1000).toFixed(3)) };
    process.stdout.write((values.json ? JSON.stringify(out) : `replayed ${out.events} events and ${out.labels} labels to ${out.to} in ${out.elapsed_s} s`) + "\n");
    return 0;
  }
  throw new RtmlError("INVALID_ARGUMENT", `unknown command "${command}"; see rtml help`);
}

function endpointsTable(endpoints: Record<string, string>): string {
  const width = Math.max(...Object.keys(endpoints).map((k) => k.length), 0);
  return Object.entries(endpoints).map(([s, a]) => `  ${s.padEnd(width)}  ${a}`).join("\n");
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
