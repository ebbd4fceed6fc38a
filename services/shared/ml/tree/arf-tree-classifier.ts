/**
 * The base learner of the adaptive random forest (River 0.19 `forest.adaptive_random_forest
 * .BaseTreeClassifier`): a Hoeffding tree whose leaves each observe a random subset of `maxFeatures`
 * features, drawn from the forest's shared generator when the leaf first learns.
 */
import type { ClassLabel, Features } from "../base.ts";
import type { PythonRandom } from "../drift/mersenne-twister.ts";
import { HoeffdingTreeClassifier } from "./hoeffding-tree-classifier.ts";
import type { HoeffdingTreeParams, HoeffdingTreeState } from "./hoeffding-tree-classifier.ts";
import { newLeaf } from "./leaf.ts";
import type { Leaf } from "./leaf.ts";

/** A Hoeffding tree with random feature subspaces per leaf (not registered: it lives inside the forest). */
export class ARFTreeClassifier extends HoeffdingTreeClassifier {
  override readonly kind: string = "ARFTreeClassifier";
  readonly maxFeatures: number;
  readonly rng: PythonRandom;

  constructor(params: Partial<HoeffdingTreeParams>, maxFeatures: number, rng: PythonRandom) {
    super(params);
    this.maxFeatures = maxFeatures;
    this.rng = rng;
  }

  protected override newLeaf(stats: Map<ClassLabel, number>, depth: number): Leaf {
    const leaf = newLeaf(stats, depth);
    leaf.featureIndices = [];
    return leaf;
  }

  protected override leafFeatures(leaf: Leaf, x: Features): Iterable<string> | undefined {
    if (leaf.splitters === null) return undefined; // River samples only while updating splitters
    if (leaf.featureIndices === undefined || leaf.featureIndices.length === 0) {
      const names = Object.keys(x).sort();
      leaf.featureIndices =
        names.length >= this.maxFeatures ? this.rng.sampleRange(names.length, this.maxFeatures).map((i) => names[i]!) : names;
    }
    return leaf.featureIndices;
  }

  override clone(): this {
    return new ARFTreeClassifier(this.params, this.maxFeatures, this.rng) as this;
  }

  /** Learned state, for the forest's snapshot. */
  snapshot(): HoeffdingTreeState {
    return this.stateJSON();
  }

  /** Restores {@link ARFTreeClassifier.snapshot} output. */
  restore(state: HoeffdingTreeState): void {
    this.restoreState(state);
  }
}
