/**
 * River 0.19 docstring parity (reference/ml-parity.md §4): every detector raises its alarms at exactly
 * River's indices on the shared fixtures. Warnings are reported as River's docstrings print them: once,
 * and again after each change.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { DriftDetector } from "../base.ts";
import { ADWIN } from "./adwin.ts";
import { DDM } from "./ddm.ts";
import { EDDM } from "./eddm.ts";
import { HDDM_A } from "./hddm-a.ts";
import { HDDM_W } from "./hddm-w.ts";
import { KSWIN } from "./kswin.ts";
import { PageHinkley } from "./page-hinkley.ts";

function fixture(name: string): number[] {
  const text = readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), "utf8");
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => Number(line.split(",")[1]));
}

/** River docstring loop: print a warning once (re-armed by each change), print every change. */
function docstringAlarms(d: DriftDetector, xs: number[]): string[] {
  const out: string[] = [];
  let printWarning = true;
  xs.forEach((x, i) => {
    d.update(x);
    if (d.warningDetected && printWarning) {
      out.push(`warning ${i}`);
      printWarning = false;
    }
    if (d.driftDetected) {
      out.push(`change ${i}`);
      printWarning = true;
    }
  });
  return out;
}

describe("drift detectors match River 0.19 alarm indices", () => {
  const step = fixture("drift_fixture_seed12345_step.csv");
  const bernoulli = fixture("drift_fixture_seed42_bernoulli.csv");

  it("fixtures have 2,000 rows", () => {
    assert.equal(step.length, 2000);
    assert.equal(bernoulli.length, 2000);
  });

  it("ADWIN() on the step stream → 1023", () => {
    assert.deepEqual(docstringAlarms(new ADWIN(), step), ["change 1023"]);
  });

  it("PageHinkley() on the step stream → 1006", () => {
    assert.deepEqual(docstringAlarms(new PageHinkley(), step), ["change 1006"]);
  });

  it("KSWIN(alpha=0.0001, seed=42) on the step stream → 1016", () => {
    assert.deepEqual(docstringAlarms(new KSWIN({ alpha: 0.0001, seed: 42 }), step), ["change 1016"]);
  });

  it("DDM() on the error stream → warning 1084, change 1334, warning 1492", () => {
    assert.deepEqual(docstringAlarms(new DDM(), bernoulli), ["warning 1084", "change 1334", "warning 1492"]);
  });

  it("EDDM(alpha=0.8, beta=0.75) → warning 1059, change 1278", () => {
    assert.deepEqual(docstringAlarms(new EDDM({ alpha: 0.8, beta: 0.75 }), bernoulli), ["warning 1059", "change 1278"]);
  });

  it("HDDM_A() → warning 451, change 1206", () => {
    assert.deepEqual(docstringAlarms(new HDDM_A(), bernoulli), ["warning 451", "change 1206"]);
  });

  it("HDDM_W() → warning 451, change 1077", () => {
    assert.deepEqual(docstringAlarms(new HDDM_W(), bernoulli), ["warning 451", "change 1077"]);
  });
});
