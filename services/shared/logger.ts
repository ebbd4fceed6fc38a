import { isSpanContextValid, trace } from "@opentelemetry/api";

/**
 * A JSON-lines logger. A line written while a span is active (e.g. inside a function's process(), which
 * the runner runs in its `process <topic>` span) carries that span's `trace_id` and `span_id`; with no
 * OpenTelemetry context manager installed there never is one.
 * Values under keys that look like secrets (token, password, secret, authorization) are redacted.
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const SECRET_KEY = /token|password|secret|authorization/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; default process.stderr (stdout is kept for the CLI's output). */
  write?: (line: string) => void;
  bindings?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const bindings = options.bindings ?? {};
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...bindings };
    const span = trace.getActiveSpan()?.spanContext();
    if (span !== undefined && isSpanContextValid(span)) {
      entry.trace_id = span.traceId;
      entry.span_id = span.spanId;
    }
    Object.assign(entry, fields);
    for (const k of Object.keys(entry)) if (SECRET_KEY.test(k)) entry[k] = "[redacted]";
    if (entry.err instanceof Error) entry.err = { name: entry.err.name, message: entry.err.message, code: (entry.err as { code?: unknown }).code };
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    child: (b) => createLogger({ ...options, bindings: { ...bindings, ...b } }),
  };
}
