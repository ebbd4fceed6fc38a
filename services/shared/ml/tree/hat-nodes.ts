/**
 * Nodes of the Hoeffding Adaptive Tree: Hoeffding-tree leaves and branches plus, per node, a drift
 * detector and a running error (River `AdaLeafClassifier` / `AdaBranchClassifier`), and their JSON form.
 */
import type { ClassLabel, DriftDetector, EstimatorJSON } from "../base.ts";
import type { MeanState } from "../drift/common.ts";
import { estimatorFromJSON } from "../registry.ts";
import type { Branch, Leaf } from "./leaf.ts";
import { nodeFromJSON, nodeToJSON } from "./tree-json.ts";
import type { LeafJSON, NodeJSON } from "./tree-json.ts";

/** The adaptive part of a node: its detector and running error. */
export interface Ada {
  det: DriftDetector;
  err: MeanState;
}
export type AdaLeaf = Leaf & { ada: Ada };
export type AdaBranch = Branch & { ada: Ada; alt: AdaNode | null };
export type AdaNode = AdaLeaf | AdaBranch;

export type AdaNodeJSON = (LeafJSON & { det: EstimatorJSON; err: MeanState }) | AdaBranchJSON;
export interface AdaBranchJSON {
  t: "branch";
  depth: number;
  feature: string;
  threshold: number;
  stats: [ClassLabel, number][];
  children: [AdaNodeJSON, AdaNodeJSON];
  det: EstimatorJSON;
  err: MeanState;
  alt: AdaNodeJSON | null;
}

/** AdaNode → JSON data (detector snapshots included). */
export function adaToJSON(n: AdaNode): AdaNodeJSON {
  const ada = { det: n.ada.det.toJSON(), err: { ...n.ada.err } };
  const own = nodeToJSON(n, (c) => adaToJSON(c as AdaNode) as NodeJSON);
  if (n.type === "leaf") return { ...(own as LeafJSON), ...ada };
  return { ...(own as AdaBranchJSON), ...ada, alt: n.alt === null ? null : adaToJSON(n.alt) };
}

/** JSON data → AdaNode. */
export function adaFromJSON(j: AdaNodeJSON): AdaNode {
  const ada: Ada = { det: estimatorFromJSON<DriftDetector>(j.det), err: { n: j.err.n, mean: j.err.mean } };
  const own = nodeFromJSON(j as NodeJSON, (c) => adaFromJSON(c as AdaNodeJSON));
  if (j.t === "leaf") return Object.assign(own as Leaf, { ada });
  return Object.assign(own as Branch, { ada, alt: j.alt === null ? null : adaFromJSON(j.alt) });
}
