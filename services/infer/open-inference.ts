/**
 * The KServe Open Inference Protocol v2 (inference.GRPCInferenceService) over infer's current model,
 * served as model `rtml`, version = the snapshot version. Tensor layout (ModelMetadata):
 *   inputs   either `features` [N, F] (FP32 or any numeric type; columns in `featureNames` order), or
 *            one tensor per feature, named after it, of shape [N] or [N, 1]; a NaN cell or a missing
 *            feature counts as absent, as in a River dict;
 *   outputs  `score` FP32 [N] (probability of the positive class) and `label` BYTES [N].
 * Requests with raw_input_contents (tritonclient) are answered with raw_output_contents; requests with
 * typed contents get typed contents (readable in grpcurl's JSON).
 */
import { RtmlError } from "../shared/errors.ts";
import { rpc, type GrpcServiceBinding } from "../shared/grpc/handlers.ts";
import { GrpcServiceNames } from "../shared/grpc/load-proto.ts";
import type { InferService, ServingModel } from "./infer.ts";
import { decodeRaw, decodeTyped, elementCount, encodeBytes, encodeFp32, type TensorContents } from "./tensors.ts";

export interface OpenInferenceOptions {
  infer: Pick<InferService, "current" | "predict">;
  /** Column order of the `features` tensor. */
  featureNames: readonly string[];
  /** ServerMetadata version. */
  serverVersion?: string;
}

interface InputTensor { name: string; datatype: string; shape: number[]; contents: TensorContents | null }
interface InferRequest {
  modelName: string; modelVersion: string; id: string; inputs: InputTensor[]; outputs: { name: string }[]; rawInputContents: Uint8Array[];
}

export const OUTPUTS = [
  { name: "score", datatype: "FP32", shape: [-1] },
  { name: "label", datatype: "BYTES", shape: [-1] },
] as const;

const invalid = (message: string) => new RtmlError("INVALID_ARGUMENT", message, { details: { reason: "tensor" } });

/** Rows (feature dicts) from the request's input tensors. */
export function rowsOf(req: Pick<InferRequest, "inputs" | "rawInputContents">, featureNames: readonly string[]): Record<string, number>[] {
  const raw = req.rawInputContents ?? [];
  const inputs = req.inputs;
  if (inputs.length === 0) throw invalid("ModelInfer: no inputs");
  if (raw.length > 0 && raw.length !== inputs.length) {
    throw invalid(`ModelInfer: ${raw.length} raw_input_contents for ${inputs.length} inputs (one each, in order)`);
  }
  const data: Float64Array[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    const count = elementCount(t.name, t.shape);
    data.push(raw.length > 0 ? decodeRaw(t.name, t.datatype, raw[i], count) : decodeTyped(t.name, t.datatype, t.contents, count));
  }
  const only = inputs[0];
  if (inputs.length === 1 && only.name === "features") {
    const [n, f] = only.shape.length === 1 ? [1, only.shape[0]] : only.shape;
    if (only.shape.length > 2 || f !== featureNames.length) {
      throw invalid(`input "features": shape [${only.shape.join(", ")}]; expected [N, ${featureNames.length}] (${featureNames.join(", ")})`);
    }
    const rows: Record<string, number>[] = [];
    const matrix = data[0];
    for (let r = 0; r < n; r++) {
      const row: Record<string, number> = {};
      for (let c = 0; c < f; c++) {
        const x = matrix[r * f + c];
        if (Number.isFinite(x)) row[featureNames[c]] = x;
      }
      rows.push(row);
    }
    return rows;
  }
  const known = new Set(featureNames);
  let n = -1;
  for (const t of inputs) {
    if (!known.has(t.name)) throw invalid(`input "${t.name}" is not a feature of this model (send "features" [N, F] or one of: ${featureNames.join(", ")})`);
    if (t.shape.length > 2 || (t.shape.length === 2 && t.shape[1] !== 1)) throw invalid(`input "${t.name}": shape [${t.shape.join(", ")}]; expected [N] or [N, 1]`);
    if (n >= 0 && t.shape[0] !== n) throw invalid(`input "${t.name}": ${t.shape[0]} rows; the other inputs have ${n}`);
    n = t.shape[0] ?? 1;
  }
  const rows: Record<string, number>[] = [];
  for (let r = 0; r < n; r++) {
    const row: Record<string, number> = {};
    for (let i = 0; i < inputs.length; i++) {
      const x = data[i][r];
      if (Number.isFinite(x)) row[inputs[i].name] = x;
    }
    rows.push(row);
  }
  return rows;
}

const OUTPUT_NAMES: readonly string[] = OUTPUTS.map((o) => o.name);

/** Label → its UTF-8 bytes, for BYTES outputs (a model has a handful of labels; bounded all the same). */
const labelBytes = new Map<string, Buffer>();
function bytesOfLabel(label: string): Buffer {
  let b = labelBytes.get(label);
  if (b === undefined) {
    if (labelBytes.size >= 256) labelBytes.clear();
    labelBytes.set(label, (b = Buffer.from(label)));
  }
  return b;
}

export function createOpenInferenceGrpc(options: OpenInferenceOptions): GrpcServiceBinding {
  const { infer, featureNames } = options;
  const served = () => infer.current();
  const ready = () => served().model !== undefined;
  const checkModel = (name: string, version: string) => {
    const m = served();
    if (name !== m.name) throw new RtmlError("NOT_FOUND", `unknown model "${name}"; this server serves "${m.name}"`);
    if (!m.model) throw new RtmlError("UNAVAILABLE", `model "${m.name}" is not loaded yet (no snapshot published)`);
    if (version && version !== String(m.version)) {
      throw new RtmlError("NOT_FOUND", `model "${m.name}" version ${version} is not served; the current version is ${m.version}`);
    }
    return m;
  };
  const serverMetadata = { name: "rtml", version: options.serverVersion ?? "0.1.0", extensions: [] };
  const live = { live: true };
  const inputs = [{ name: "features", datatype: "FP32", shape: [-1, featureNames.length] }];
  // ModelMetadata of the serving model, rebuilt only when the model is swapped.
  let metadataOf: { m: ServingModel; metadata: object } | undefined;
  const modelMetadata = (m: ServingModel) => {
    if (metadataOf?.m !== m) {
      metadataOf = { m, metadata: { name: m.name, versions: m.model ? [String(m.version)] : [], platform: "rtml", inputs, outputs: OUTPUTS } };
    }
    return metadataOf.metadata;
  };
  return {
    name: GrpcServiceNames.openInference,
    methods: {
      ServerLive: rpc.unary(() => live),
      ServerReady: rpc.unary(() => ({ ready: ready() })),
      ModelReady: rpc.unary((req: { name: string; version: string }) => {
        const m = served();
        return { ready: req.name === m.name && m.model !== undefined && (!req.version || req.version === String(m.version)) };
      }),
      ServerMetadata: rpc.unary(() => serverMetadata),
      ModelMetadata: rpc.unary((req: { name: string; version: string }) => {
        const m = served();
        if (req.name !== m.name) throw new RtmlError("NOT_FOUND", `unknown model "${req.name}"; this server serves "${m.name}"`);
        return modelMetadata(m);
      }),
      ModelInfer: rpc.unary((req: InferRequest) => {
        const m = checkModel(req.modelName, req.modelVersion);
        let wanted = OUTPUT_NAMES;
        if (req.outputs.length > 0) {
          wanted = req.outputs.map((o) => o.name);
          const unknown = wanted.filter((w) => !OUTPUT_NAMES.includes(w));
          if (unknown.length) throw invalid(`unknown outputs ${unknown.join(", ")}; this model has score and label`);
        }
        const rows = rowsOf(req, featureNames);
        const scores: number[] = [];
        const labels: string[] = [];
        for (const values of rows) {
          const p = infer.predict({ eventId: req.id, entityId: "", eventTimeMs: 0, ingestTimeMs: 0, values, sequence: 0 });
          scores.push(p.score);
          labels.push(p.label);
        }
        const raw = (req.rawInputContents ?? []).length > 0;
        const shape = [rows.length];
        const outputs = wanted.map((name) => {
          if (name === "score") return { name, datatype: "FP32", shape, contents: raw ? null : { fp32Contents: scores } };
          return { name, datatype: "BYTES", shape, contents: raw ? null : { bytesContents: labels.map(bytesOfLabel) } };
        });
        return {
          modelName: m.name,
          modelVersion: String(m.version),
          id: req.id,
          outputs,
          rawOutputContents: raw ? wanted.map((name) => (name === "score" ? encodeFp32(scores) : encodeBytes(labels))) : [],
        };
      }),
    },
  };
}
