/**
 * The shell River's DDM, EDDM, HDDM_A, HDDM_W and PageHinkley share: the whole state is one plain
 * object, replaced by a fresh one on the first update after a drift (River's `_reset` at the top of
 * `update`), so a clone is a new detector with the same parameters and a snapshot is that object.
 */
import type { DriftDetector, EstimatorJSON } from "../base.ts";
import { copyJSON, decodeNumber, encodeNumber, readSnapshot } from "./common.ts";

/** River's alarm flags, held in the state (no `warning`: a detector without a warning zone). */
export interface AlarmState {
  drift: boolean;
  warning?: boolean;
}

export abstract class DetectorBase<P extends object, S extends AlarmState> implements DriftDetector {
  readonly kind: string;
  readonly params: Readonly<P>;
  protected s: S;
  readonly #fresh: () => S;
  /** State fields that may hold ±Infinity, which JSON cannot: they are snapshotted as strings. */
  readonly #unbounded: readonly string[];

  constructor(kind: string, params: P, fresh: () => S, unbounded: readonly (keyof S & string)[] = []) {
    this.kind = kind;
    this.params = Object.freeze(params);
    this.#fresh = fresh;
    this.#unbounded = unbounded;
    this.s = fresh();
  }

  get driftDetected(): boolean {
    return this.s.drift;
  }

  get warningDetected(): boolean {
    return this.s.warning ?? false;
  }

  /** One observation: for the binary detectors 1 (or true) for an error, 0 for a correct prediction. */
  update(x: number | boolean): void {
    if (this.s.drift) this.s = this.#fresh();
    this.step(this.s, Number(x));
  }

  /** River's update proper, on a state that has not drifted yet. */
  protected abstract step(s: S, x: number): void;

  clone(): this {
    const Detector = this.constructor as new (params: P) => this;
    return new Detector(this.params);
  }

  toJSON(): EstimatorJSON {
    const s = this.s as unknown as Record<string, number>;
    const encoded = Object.fromEntries(this.#unbounded.map((k) => [k, encodeNumber(s[k]!)]));
    return { kind: this.kind, params: { ...this.params }, state: { ...copyJSON(s), ...encoded } };
  }

  /** Rebuilds a `Detector` of `kind` from {@link toJSON} output. */
  protected static load<D extends DetectorBase<object, AlarmState>>(Detector: new (params: object) => D, kind: string, json: EstimatorJSON): D {
    const { params, state } = readSnapshot<object, Record<string, unknown>>(json, kind);
    const d = new Detector(params);
    if (state !== undefined) {
      const decoded = Object.fromEntries(d.#unbounded.map((k) => [k, decodeNumber(state[k])]));
      d.s = { ...copyJSON(state), ...decoded } as unknown as AlarmState;
    }
    return d;
  }
}
