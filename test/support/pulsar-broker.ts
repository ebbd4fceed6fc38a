/**
 * A real Pulsar standalone broker for tests: one per test file (node --test runs each file in its own
 * process), started on free loopback ports on first use and stopped by an `after` hook.
 *
 * @example
 * const broker = usePulsarBroker();
 * it("talks to Pulsar", async () => { const { adminUrl } = await broker.get(); … });
 */
import { after } from "node:test";
import { isRtmlError } from "../../services/shared/errors.ts";
import { provisionPulsar, startPulsarBroker, type PulsarBroker } from "../../scripts/pulsar/broker.ts";

export type { PulsarBroker } from "../../scripts/pulsar/broker.ts";

let shared: Promise<PulsarBroker> | undefined;

/** The broker of this test file (started once); stop it with stopPulsarBroker() or usePulsarBroker's hook. */
export function pulsarBroker(): Promise<PulsarBroker> {
  shared ??= startPulsarBroker();
  return shared;
}

/** Stops this file's broker, if one was started. */
export async function stopPulsarBroker(): Promise<void> {
  const broker = shared;
  shared = undefined;
  if (broker !== undefined) await (await broker.catch(() => undefined))?.stop();
}

/**
 * Why a broker cannot be had here, or undefined when it can (provisions the jars, starts nothing):
 * only provisioning failures (no java or mvn, Maven Central unreachable) count; under CI
 * (process.env.CI set) they are errors, not reasons.
 */
export async function pulsarUnavailableReason(): Promise<string | undefined> {
  try {
    await provisionPulsar();
    return undefined;
  } catch (err) {
    if (isRtmlError(err) && err.details.provisioning === true && process.env.CI === undefined) {
      return `no Pulsar broker: ${err.message}`;
    }
    throw err;
  }
}

/** Registers an `after` hook that stops the file's broker; returns the lazy getter. */
export function usePulsarBroker(): { get(): Promise<PulsarBroker> } {
  after(stopPulsarBroker);
  return { get: pulsarBroker };
}
