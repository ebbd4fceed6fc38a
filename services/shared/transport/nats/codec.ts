/**
 * Message codec of the NATS transport: key, event time and properties travel as NATS headers.
 *
 * A property whose name is an HTTP token (not starting with `Nats-` or `Rtml-`) and whose value the
 * header format keeps as it is (no CR/LF, no leading or trailing whitespace) is a plain header, so
 * `traceparent` is visible to any NATS tool. Every other property goes, JSON-encoded, into the one
 * `Rtml-Props` header, so all of them round-trip byte-exact. The key is percent-encoded in `Rtml-Key`.
 */
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import { RtmlError } from "../../errors.ts";
import type { PublishOptions } from "../transport.ts";

export const KEY_HEADER = "Rtml-Key";
export const EVENT_TIME_HEADER = "Rtml-Event-Time";
export const PROPS_HEADER = "Rtml-Props";

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED = /^(nats|rtml)-/i;

function plainName(name: string): boolean {
  return TOKEN.test(name) && !RESERVED.test(name);
}

function plainValue(value: string): boolean {
  return !/[\r\n]/.test(value) && value.trim() === value;
}

function invalid(message: string, details: Record<string, unknown>): RtmlError {
  return new RtmlError("INVALID_ARGUMENT", message, { details });
}

/** Builds the headers of a publish (undefined when there is nothing to carry). */
export function encodeHeaders(topic: string, options: PublishOptions | undefined): MsgHdrs | undefined {
  if (options === undefined) return undefined;
  const { key, eventTime, properties } = options;
  if (key === undefined && eventTime === undefined && properties === undefined) return undefined;
  // Every name is set once on a fresh object: append (set would first search for the name to delete).
  const h = natsHeaders();
  if (key !== undefined) {
    if (typeof key !== "string") throw invalid("key must be a string", { topic });
    h.append(KEY_HEADER, encodeURIComponent(key));
  }
  if (eventTime !== undefined) {
    if (!Number.isFinite(eventTime)) throw invalid("eventTime must be a finite number (epoch ms)", { topic, eventTime });
    h.append(EVENT_TIME_HEADER, String(eventTime));
  }
  if (properties !== undefined) {
    let escaped: Record<string, string> | undefined;
    for (const name of Object.keys(properties)) {
      const value = properties[name];
      if (typeof value !== "string") throw invalid(`property ${name} must be a string`, { topic, property: name });
      if (plainName(name) && plainValue(value)) h.append(name, value);
      else (escaped ??= {})[name] = value;
    }
    if (escaped !== undefined) h.append(PROPS_HEADER, JSON.stringify(escaped));
  }
  return h;
}

/** What the headers of a stored message carry. */
export interface DecodedHeaders {
  key: string | undefined;
  eventTime: number | undefined;
  properties: Readonly<Record<string, string>>;
}

const EMPTY: DecodedHeaders = Object.freeze({ key: undefined, eventTime: undefined, properties: Object.freeze({}) });

/** Reads key, event time and properties back from headers. */
export function decodeHeaders(h: MsgHdrs | undefined): DecodedHeaders {
  if (h === undefined) return EMPTY;
  let key: string | undefined;
  let eventTime: number | undefined;
  const properties: Record<string, string> = {};
  // The headers' own entries (name → values): h.keys() + h.get() would search the names for each one.
  for (const [name, values] of h as unknown as Iterable<[string, string[]]>) {
    const value = values[0] ?? "";
    if (name === KEY_HEADER) key = decodeURIComponent(value);
    else if (name === EVENT_TIME_HEADER) eventTime = Number(value);
    else if (name === PROPS_HEADER) Object.assign(properties, JSON.parse(value) as Record<string, string>);
    else if (!RESERVED.test(name)) properties[name] = value;
  }
  return { key, eventTime, properties: Object.freeze(properties) };
}
