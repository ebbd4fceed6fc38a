/**
 * The six-process end-to-end and fault tests, defined once for any real broker (test/e2e/mesh-processes-*.test.ts
 * give the broker). See mesh-scenarios.ts for what each checks and why.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { agreementScenario, AGREEMENT, compareByModelVersion, differences, faultScenario, FAULTS, uninterruptedReference } from "./mesh-scenarios.ts";

export interface BrokerUnderTest {
  /** Environment that points the services at it: RTML_TRANSPORT and its URLs (and a namespace of the test's own). */
  env(scope: string): Record<string, string>;
  /** Stops the broker (data kept) and starts it again; resolves once it is ready. */
  restart(): Promise<void>;
}

export function describeMeshOnBroker(name: string, skip: string | false, broker: () => Promise<BrokerUnderTest>, timeouts = { agreement: 240_000, faults: 480_000 }): void {
  describe(`six rtml serve processes on ${name}`, { skip, concurrency: false }, () => {
    it(`Elec2 (${AGREEMENT.events} events, labels ${AGREEMENT.labelDelay.events} events late, ${AGREEMENT.rate}/s): every event accounted, each scored as the embedded run scored it with the same model version`, { timeout: timeouts.agreement }, async (t) => {
      const b = await broker();
      const { processes, embedded, predictions } = await agreementScenario(b.env("agreement"));
      const byVersion = compareByModelVersion(predictions.processes, predictions.embedded);
      const detail = JSON.stringify({ processes, embedded: { ...embedded, accuracy_by_segment: undefined }, byVersion });
      t.diagnostic(`six processes: accuracy ${processes.accuracy.toFixed(4)}, ${processes.throughput_eps} ev/s, p50/p99 ${processes.latency_ms.p50}/${processes.latency_ms.p99} ms; embedded: ${embedded.accuracy.toFixed(4)}; ${byVersion.sameVersion} events scored by the same model version in both runs, ${byVersion.otherVersion} by another`);
      assert.equal(processes.events_in, AGREEMENT.events, detail);
      assert.equal(processes.lost, 0, detail);
      assert.equal(processes.predictions + processes.rejected, AGREEMENT.events, detail);
      assert.equal(embedded.lost, 0, detail);
      assert.equal(predictions.processes.size, AGREEMENT.events, detail);
      assert.equal(predictions.embedded.size, AGREEMENT.events, detail);
      assert.deepEqual(byVersion.disagree, [], `same model version, different prediction: ${detail}`);
      // Only the race described in mesh-scenarios.ts may change an event's version: most events keep theirs.
      assert.ok(byVersion.sameVersion >= AGREEMENT.events / 2, `fewer than half the events scored by the same version: ${detail}`);
      // So the accuracies differ by at most the share of events scored with another version.
      assert.ok(Math.abs(processes.accuracy - embedded.accuracy) <= byVersion.otherVersion / processes.scored + 1e-12, detail);
    });

    it(`faults (${FAULTS.dataset}, ${FAULTS.events} events): kill -9 each service in turn and restart the broker mid-stream; every event once, lost 0, feature aggregates as uninterrupted`, { timeout: timeouts.faults }, async (t) => {
      const b = await broker();
      const reference = await uninterruptedReference();
      const { summary, raw, entities, log } = await faultScenario(b.env("faults"), () => b.restart(), reference.entities.keys());
      const vectorsDiffering = [...reference.raw].filter(([id, v]) => raw.get(id) !== v).length;
      const detail = JSON.stringify({ summary, log, vectorsDiffering });
      t.diagnostic(`faults: ${JSON.stringify(log.steps)}`);
      t.diagnostic(`accounting: ${summary.predictions} predictions + ${summary.rejected} rejections of ${summary.events_in} events, lost ${summary.lost}, ${summary.duplicates} duplicates removed, ${summary.feature_duplicates} duplicate feature vectors; ${reference.entities.size} entities compared; ${vectorsDiffering} event vectors differ from the uninterrupted run's (reordering by redelivery)`);
      assert.equal(log.steps.length, 7, detail);
      assert.equal(summary.events_in, FAULTS.events, detail);
      assert.equal(summary.lost, 0, detail);
      assert.equal(summary.predictions + summary.rejected, FAULTS.events, detail);
      assert.deepEqual(summary.feature_mismatches, [], `duplicates of one event with different raw values: ${detail}`);
      assert.equal(reference.raw.size, FAULTS.events);
      assert.deepEqual(differences(reference.entities, entities), [], detail);
    });
  });
}
