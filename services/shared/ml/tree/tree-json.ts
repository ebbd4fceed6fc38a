/**
 * JSON (de)serialisation of Hoeffding-tree nodes: a snapshot is plain data and restores an identical tree.
 */
import { RtmlError } from "../../errors.ts";
import type { ClassLabel } from "../base.ts";
import { GaussianSplitter } from "./gaussian-splitter.ts";
import type { ClassGaussian } from "./gaussian-splitter.ts";
import type { TreeNode } from "./leaf.ts";

type Pairs = [ClassLabel, number][];
type GaussJSON = [ClassLabel, number, number, number, number, number];

/** A serialised leaf. */
export interface LeafJSON {
  t: "leaf";
  depth: number;
  stats: Pairs;
  splitters: [string, number, GaussJSON[]][] | null;
  disabled: string[];
  last: number;
  mc: number;
  nb: number;
  fi?: string[];
}

/** A serialised branch. */
export interface BranchJSON {
  t: "branch";
  depth: number;
  feature: string;
  threshold: number;
  stats: Pairs;
  children: [NodeJSON, NodeJSON];
}

export type NodeJSON = LeafJSON | BranchJSON;

/** Node → JSON data; a branch's children go through `child` (the adaptive tree's nodes add their own parts). */
export function nodeToJSON(n: TreeNode, child: (c: TreeNode) => NodeJSON = (c) => nodeToJSON(c)): NodeJSON {
  if (n.type === "branch") {
    return {
      t: "branch",
      depth: n.depth,
      feature: n.feature,
      threshold: n.threshold,
      stats: [...n.stats],
      children: [child(n.children[0]), child(n.children[1])],
    };
  }
  return {
    t: "leaf",
    depth: n.depth,
    stats: [...n.stats],
    splitters:
      n.splitters === null
        ? null
        : [...n.splitters].map(([f, s]) => [f, s.nSplits, [...s.perClass].map(([c, g]) => [c, g.min, g.max, g.v.n, g.v.mean, g.v.s] as GaussJSON)]),
    disabled: [...n.disabled],
    last: n.lastSplitAttemptAt,
    mc: n.mcCorrect,
    nb: n.nbCorrect,
    ...(n.featureIndices === undefined ? {} : { fi: [...n.featureIndices] }),
  };
}

/** JSON data → node; a branch's children go through `child`. */
export function nodeFromJSON(j: NodeJSON, child: (c: NodeJSON) => TreeNode = (c) => nodeFromJSON(c)): TreeNode {
  if (j === null || typeof j !== "object") throw new RtmlError("INVALID_ARGUMENT", "tree snapshot: bad node");
  if (j.t === "branch") {
    return {
      type: "branch",
      depth: j.depth,
      feature: j.feature,
      threshold: j.threshold,
      stats: new Map(j.stats),
      children: [child(j.children[0]), child(j.children[1])],
    };
  }
  if (j.t !== "leaf") throw new RtmlError("INVALID_ARGUMENT", "tree snapshot: unknown node type");
  return {
    type: "leaf",
    depth: j.depth,
    stats: new Map(j.stats),
    splitters:
      j.splitters === null
        ? null
        : new Map(
            j.splitters.map(([f, nSplits, per]) => [
              f,
              new GaussianSplitter(nSplits, new Map(per.map(([c, min, max, n, mean, s]) => [c, { min, max, v: { n, mean, s } } as ClassGaussian]))),
            ]),
          ),
    disabled: new Set(j.disabled),
    lastSplitAttemptAt: j.last,
    mcCorrect: j.mc,
    nbCorrect: j.nb,
    ...(j.fi === undefined ? {} : { featureIndices: [...j.fi] }),
  };
}
