/**
 * The Context handed to process(): one small object per attempt, its methods on the prototype (no
 * closures per message). Outputs are buffered until process() returns; the runner publishes them.
 */
import { RtmlError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Codec } from "../messages.ts";
import type { Metrics } from "../metrics.ts";
import type { PublishOptions, Transport } from "../transport/transport.ts";
import type { Context, KeyedState, RecordInfo } from "./types.ts";

export interface Output {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly options: PublishOptions | undefined;
}

/** What every context of one runner shares. */
export interface ContextShared {
  readonly functionName: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly config: Readonly<Record<string, unknown>>;
  readonly secrets: Readonly<Record<string, string>>;
}

function notStateful(): never {
  throw new RtmlError("FAILED_PRECONDITION", "this function is not stateful: set `stateful: true` to use keyed state");
}

/** The state of a function that is not stateful: reads see nothing, writes throw. */
export const noState: KeyedState = { get: () => undefined, put: notStateful, incr: notStateful, delete: notStateful };

export class MessageContext implements Context {
  readonly functionName: string;
  readonly record: RecordInfo;
  readonly state: KeyedState;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly config: Readonly<Record<string, unknown>>;
  /** Buffered outputs, in publish order (undefined: none). */
  outputs: Output[] | undefined = undefined;
  readonly #secrets: Readonly<Record<string, string>>;
  #closed = false;

  constructor(shared: ContextShared, record: RecordInfo, state: KeyedState) {
    this.functionName = shared.functionName;
    this.record = record;
    this.state = state;
    this.logger = shared.logger;
    this.metrics = shared.metrics;
    this.config = shared.config;
    this.#secrets = shared.secrets;
  }

  secret(name: string): string | undefined {
    return Object.hasOwn(this.#secrets, name) ? this.#secrets[name] : undefined;
  }

  publish<T>(topic: string, codec: Codec<T>, message: Partial<T>, options?: PublishOptions): void {
    if (this.#closed) {
      throw new RtmlError("FAILED_PRECONDITION", `${this.functionName}: publish to ${topic} after process() finished`);
    }
    const output: Output = { topic, payload: codec.encode(message), options };
    if (this.outputs === undefined) this.outputs = [output];
    else this.outputs.push(output);
  }

  /** The attempt is over: later publishes throw (a timed-out attempt's outputs are not kept). */
  close(): void {
    this.#closed = true;
  }
}

/** Publishes buffered outputs; resolves once the broker acked all of them. */
export function publishAll(transport: Transport, outputs: Output[]): Promise<unknown> {
  if (outputs.length === 1) {
    const o = outputs[0];
    return transport.publish(o.topic, o.payload, o.options);
  }
  const sends: Promise<unknown>[] = new Array(outputs.length);
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i];
    sends[i] = transport.publish(o.topic, o.payload, o.options);
  }
  return Promise.all(sends);
}
