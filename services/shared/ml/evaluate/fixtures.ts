/**
 * Test-fixture loader shared by the parity tests and the ML benchmark: a CSV (gzipped or not) whose
 * columns are all float features but the label, read in file order. The label is `true` when its cell
 * equals `positive` (River's conventions: Phishing "1", Bananas 1, Elec2 1 = UP).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { Features } from "../base.ts";
import type { Sample } from "./progressive-val-score.ts";

/** test/fixtures/ of the repository. */
export const FIXTURES_DIR = new URL("../../../../test/fixtures/", import.meta.url);

/** Reads `file` (a path or URL) into samples; every value is parsed as a float (Elec2 has `4.40E-05`). */
export function loadBinaryCsv(file: string | URL, label: string, positive = "1"): Sample[] {
  const raw = readFileSync(file);
  const name = typeof file === "string" ? file : file.pathname;
  const text = (name.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  const lines = text.trim().split(/\r?\n/);
  const head = lines[0]!.split(",").map((h) => h.trim());
  const li = head.indexOf(label);
  if (li < 0) throw new Error(`${name}: no column ${label}`);
  const out: Sample[] = [];
  for (let r = 1; r < lines.length; r++) {
    const v = lines[r]!.split(",");
    const x: Features = {};
    for (let i = 0; i < head.length; i++) if (i !== li) x[head[i]!] = Number.parseFloat(v[i]!);
    out.push([x, v[li]!.trim() === positive]);
  }
  return out;
}

/** A fixture of test/fixtures/ by file name. */
export function loadFixture(file: string, label: string, positive = "1"): Sample[] {
  return loadBinaryCsv(new URL(file, FIXTURES_DIR), label, positive);
}

/** The three River benchmark datasets as fixtures: name → loader. */
export const BENCHMARK_FIXTURES = {
  phishing: () => loadFixture("phishing.csv.gz", "is_phishing"),
  bananas: () => loadFixture("bananas.csv", "label"),
  elec2: () => loadFixture("elec2_electricity.csv.gz", "class"),
} as const;
