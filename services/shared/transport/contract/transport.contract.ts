/**
 * The transport contract: one suite, run against every Transport implementation (memory, pulsar,
 * nats) by a runner that supplies a factory and a reasoned skip list. It uses only the Transport
 * interface, unique topic names per test, and bounded waits, so it also runs against real brokers.
 *
 * @example
 * // test/contract/memory-transport.test.ts
 * const store = createMemoryStore();
 * describeTransportContract("memory", { create: () => createMemoryTransport({ store }) });
 */
import { describe, it } from "node:test";
import type { Transport } from "../transport.ts";
import { deliveryCases } from "./cases-delivery.ts";
import { lifecycleCases } from "./cases-lifecycle.ts";
import { subscriptionCases } from "./cases-subscriptions.ts";

/** Options of {@link describeTransportContract}. */
export interface TransportContractOptions {
  /**
   * Creates a transport. Two transports created within one test must reach the same broker (the
   * reconnect case closes one and creates another), so an in-process transport shares one store.
   */
  create: () => Promise<Transport>;
  /** Prefix of every topic name (e.g. `persistent://public/default/`); default `contract-`. */
  topicPrefix?: () => string;
  /** Cases to skip, by exact title, with the reason node:test prints. */
  skip?: Record<string, string>;
  /** Multiplies every wait (slow brokers, CI). Default 1. */
  timeScale?: number;
}

/** What a contract case receives. */
export interface CaseContext {
  /** Creates a transport that is closed after the case. */
  open(): Promise<Transport>;
  /** A topic name unique to this run and case. */
  topic(name: string): string;
  /** A wait for something that should happen ("generous"). */
  readonly patience: number;
  /** A window in which something should NOT happen. */
  readonly quiet: number;
  /** Scales a duration by timeScale. */
  ms(base: number): number;
}

/** One contract case. */
export interface ContractCase {
  readonly title: string;
  run(ctx: CaseContext): Promise<void>;
}

/** Every case title, for skip lists. */
export function contractCaseTitles(): string[] {
  return [...deliveryCases, ...subscriptionCases, ...lifecycleCases].map((c) => c.title);
}

let runCounter = 0;

/** Registers the contract suite for one transport with node:test. */
export function describeTransportContract(name: string, options: TransportContractOptions): void {
  const scale = options.timeScale ?? 1;
  const prefix = options.topicPrefix ?? (() => "contract-");
  const skip = options.skip ?? {};
  const known = new Set(contractCaseTitles());
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

  describe(`transport contract: ${name}`, () => {
    for (const title of Object.keys(skip)) {
      if (!known.has(title)) it(`skip list names an unknown case: ${title}`, () => assertNever(title));
    }
    const groups: [string, readonly ContractCase[]][] = [
      ["delivery", deliveryCases],
      ["subscription types", subscriptionCases],
      ["lifecycle", lifecycleCases],
    ];
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const c of cases) {
          const reason = skip[c.title];
          if (reason !== undefined) {
            it(c.title, { skip: reason }, () => {});
            continue;
          }
          it(c.title, async () => {
            const opened: Transport[] = [];
            const caseId = ++runCounter;
            const ctx: CaseContext = {
              async open() {
                const transport = await options.create();
                opened.push(transport);
                return transport;
              },
              topic: (topicName) => `${prefix()}${topicName}-${run}-${caseId}`,
              patience: 5000 * scale,
              quiet: 300 * scale,
              ms: (base) => base * scale,
            };
            try {
              await c.run(ctx);
            } finally {
              await Promise.allSettled(opened.map((t) => t.close()));
            }
          });
        }
      });
    }
  });
}

function assertNever(title: string): never {
  throw new Error(`unknown contract case in skip list: ${JSON.stringify(title)}`);
}
