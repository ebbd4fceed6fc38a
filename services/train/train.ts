/**
 * train: joins feature vectors with their (delayed) labels by event id, learns online and publishes a
 * model snapshot every `snapshotEvery` updates. The join buffer is bounded: the oldest pending entries
 * are expired (and counted) when it is full. A concept-drift alert starts a fresh challenger, trained
 * beside the champion on the same examples; once it has seen `challengerMinSamples` examples and its
 * prequential accuracy since the alert beats the champion's, it is promoted and published. A challenger
 * that has not won after `challengerMaxSamples` examples is dropped, so a later alert can start a new
 * one (before, a losing challenger ran forever and every later alert was ignored).
 */
import type { Classifier, ClassLabel } from "../shared/ml/base.ts";
import type { Context, MeshFunction } from "../shared/function/types.ts";
import type { Logger } from "../shared/logger.ts";
import { codecs, DriftKind, type DriftAlert, type FeatureVector, type Label, type ModelSnapshot } from "../shared/messages.ts";
import { decodeModel, encodeModelState, MODEL_FORMAT } from "../shared/model-snapshot.ts";
import { Topics } from "../shared/topics.ts";
import { RtmlError } from "../shared/errors.ts";
import { createBoundedMap, createBoundedSet, type BoundedMap } from "../shared/bounded-map.ts";

export interface TrainOptions {
  createModel: () => Classifier;
  modelName?: string;
  /** Publish a snapshot every N updates. Default 100. */
  snapshotEvery?: number;
  /** Pending feature vectors or labels waiting for their partner, at most. Default 200_000. */
  maxPending?: number;
  /** Event ids remembered as learned, so a redelivered pair never trains twice. Default 200_000. */
  dedupWindow?: number;
  /** Examples a challenger must have seen before it can be promoted. Default 500. */
  challengerMinSamples?: number;
  /** Examples after which a challenger that has not won is dropped. Default 4 × challengerMinSamples. */
  challengerMaxSamples?: number;
  /** Snapshots kept for GetModel / Rollback. Default 20. */
  history?: number;
  /** Publishes a snapshot outside message processing (Promote, Rollback, Snapshot calls). */
  publish?: (snapshot: ModelSnapshot) => Promise<void>;
  logger?: Logger;
}

export interface TrainStats {
  updates: number;
  pendingFeatures: number;
  pendingLabels: number;
  expired: number;
  duplicates: number;
  challengers: number;
  promotions: number;
  /** Challengers dropped after challengerMaxSamples without beating the champion. */
  discarded: number;
  version: number;
}

export interface TrainService {
  onFeatures: MeshFunction<FeatureVector>;
  onLabel: MeshFunction<Label>;
  onAlert: MeshFunction<DriftAlert>;
  listModels(): ModelSnapshot[];
  getModel(version?: number): ModelSnapshot;
  /** Publishes the running challenger (version 0) or a stored version as the new current model. */
  promote(version?: number): Promise<ModelSnapshot>;
  /**
   * Republishes an earlier version as the new current model. Default: the version before the one the
   * current model came from, so repeated rollbacks keep going back (v3 → v2 → v1) instead of bouncing.
   */
  rollback(version?: number): Promise<ModelSnapshot>;
  snapshot(): Promise<ModelSnapshot>;
  /** Continues from a published snapshot (on restart: the latest one on `models`). */
  restore(snapshot: ModelSnapshot): void;
  stats(): TrainStats;
}

/** Labels are text on the wire; binary datasets use "true"/"false", learned as booleans (River). */
export function labelValue(text: string): ClassLabel {
  return text === "true" ? true : text === "false" ? false : text;
}

export function createTrainService(options: TrainOptions): TrainService {
  const modelName = options.modelName ?? "rtml";
  const snapshotEvery = options.snapshotEvery ?? 100;
  const maxPending = options.maxPending ?? 200_000;
  const dedupWindow = options.dedupWindow ?? 200_000;
  const minSamples = options.challengerMinSamples ?? 500;
  const maxSamples = Math.max(minSamples, options.challengerMaxSamples ?? 4 * minSamples);
  const historySize = options.history ?? 20;
  const pendingFeatures = createBoundedMap<FeatureVector>(maxPending);
  const pendingLabels = createBoundedMap<Label>(maxPending);
  const learned = createBoundedSet(dedupWindow);
  const history: ModelSnapshot[] = [];
  /** Version → the version whose state it republished (promote of a stored version, rollback). */
  const origin = new Map<number, number>();
  let model = options.createModel();
  let challenger: { model: Classifier; seen: number; championHits: number; hits: number } | undefined;
  const stats: TrainStats = { updates: 0, pendingFeatures: 0, pendingLabels: 0, expired: 0, duplicates: 0, challengers: 0, promotions: 0, discarded: 0, version: 0 };
  let lastEventId = "";

  function makeSnapshot(state: Uint8Array, reason: string, nUpdates: number): ModelSnapshot {
    const parentVersion = stats.version;
    stats.version++;
    const snap: ModelSnapshot = {
      modelName, version: stats.version, parentVersion, createdMs: Date.now(), nUpdates, format: MODEL_FORMAT,
      state, metrics: {}, reason, lastEventId,
    };
    keep(snap);
    return snap;
  }

  function keep(snap: ModelSnapshot) {
    history.push(snap);
    while (history.length > Math.max(1, historySize)) origin.delete(history.shift()!.version);
  }

  /** The version whose content `version` holds (following republished copies). */
  function contentOf(version: number): number {
    let v = version;
    for (let seen = 0; origin.has(v) && seen <= history.length; seen++) v = origin.get(v)!;
    return v;
  }

  function republish(target: ModelSnapshot, reason: string): ModelSnapshot {
    model = decodeModel(target);
    const snap = makeSnapshot(target.state, reason, target.nUpdates);
    origin.set(snap.version, contentOf(target.version));
    return snap;
  }

  function bounded<T>(map: BoundedMap<T>, id: string, value: T) {
    if (map.set(id, value)) stats.expired++;
  }

  function learn(fv: FeatureVector, label: Label, ctx: Context) {
    if (learned.has(fv.eventId)) {
      stats.duplicates++;
      return;
    }
    learned.add(fv.eventId);
    const y = labelValue(label.label);
    if (challenger) {
      // Prequential comparison on the same example: predict with both, then learn with both.
      if (model.predictOne(fv.values) === y) challenger.championHits++;
      if (challenger.model.predictOne(fv.values) === y) challenger.hits++;
      challenger.model.learnOne(fv.values, y);
      challenger.seen++;
    }
    model.learnOne(fv.values, y);
    stats.updates++;
    lastEventId = fv.eventId;
    if (challenger && challenger.seen >= minSamples && challenger.hits > challenger.championHits) {
      model = challenger.model;
      challenger = undefined;
      stats.promotions++;
      publishIn(ctx, makeSnapshot(encodeModelState(model), "challenger-promoted", stats.updates));
      return;
    }
    if (challenger && challenger.seen >= maxSamples) {
      options.logger?.info("challenger dropped: it did not beat the champion", { seen: challenger.seen, hits: challenger.hits, championHits: challenger.championHits });
      challenger = undefined;
      stats.discarded++;
    }
    if (stats.updates % snapshotEvery === 0) publishIn(ctx, makeSnapshot(encodeModelState(model), "periodic", stats.updates));
  }

  function publishIn(ctx: Context, snap: ModelSnapshot) {
    ctx.publish(Topics.models, codecs.modelSnapshot, snap, { key: snap.modelName });
  }

  /** Checked before a call changes anything, so a refused call neither swaps the model nor uses a version. */
  function publisher(): (snapshot: ModelSnapshot) => Promise<void> {
    if (!options.publish) throw new RtmlError("FAILED_PRECONDITION", "this train service has no publisher");
    return options.publish;
  }

  async function publishOut(snap: ModelSnapshot): Promise<ModelSnapshot> {
    await publisher()(snap);
    return snap;
  }

  function find(version: number): ModelSnapshot {
    const snap = history.find((s) => s.version === version);
    if (!snap) throw new RtmlError("NOT_FOUND", `model version ${version} is not kept (kept: ${history.map((s) => s.version).join(", ") || "none"})`);
    return snap;
  }

  return {
    onFeatures(fv, ctx) {
      const label = pendingLabels.get(fv.eventId);
      if (label) {
        pendingLabels.delete(fv.eventId);
        learn(fv, label, ctx);
      } else if (!learned.has(fv.eventId)) bounded(pendingFeatures, fv.eventId, fv);
    },
    onLabel(label, ctx) {
      const fv = pendingFeatures.get(label.eventId);
      if (fv) {
        pendingFeatures.delete(label.eventId);
        learn(fv, label, ctx);
      } else if (!learned.has(label.eventId)) bounded(pendingLabels, label.eventId, label);
    },
    onAlert(alert) {
      if (alert.kind !== DriftKind.CONCEPT || challenger) return;
      challenger = { model: model.clone(), seen: 0, championHits: 0, hits: 0 };
      stats.challengers++;
      options.logger?.info("concept drift: challenger started", { alert: alert.alertId, atEvent: alert.atEvent });
    },
    listModels: () => [...history],
    getModel(version = 0) {
      if (version === 0) {
        const last = history.at(-1);
        if (!last) throw new RtmlError("NOT_FOUND", "no model snapshot published yet");
        return last;
      }
      return find(version);
    },
    async promote(version = 0) {
      publisher();
      if (version === 0) {
        if (!challenger) throw new RtmlError("FAILED_PRECONDITION", "no challenger is running");
        model = challenger.model;
        challenger = undefined;
        stats.promotions++;
        return publishOut(makeSnapshot(encodeModelState(model), "promote", stats.updates));
      }
      return publishOut(republish(find(version), "promote"));
    },
    async rollback(version = 0) {
      publisher();
      let target: ModelSnapshot | undefined;
      if (version === 0) {
        const current = history.at(-1);
        const from = current ? contentOf(current.version) : 0;
        target = history.findLast((s) => s.version < from);
      } else target = find(version);
      if (!target) throw new RtmlError("FAILED_PRECONDITION", "no earlier version to roll back to");
      return publishOut(republish(target, "rollback"));
    },
    restore(snap) {
      model = decodeModel(snap);
      stats.version = Math.max(stats.version, snap.version);
      stats.updates = snap.nUpdates;
      lastEventId = snap.lastEventId;
      keep(snap);
    },
    snapshot: async () => {
      publisher();
      return publishOut(makeSnapshot(encodeModelState(model), "manual", stats.updates));
    },
    stats: () => ({ ...stats, pendingFeatures: pendingFeatures.size, pendingLabels: pendingLabels.size }),
  };
}

