/**
 * train's gRPC API (rtml.v1.TrainService): the kept model versions, one snapshot by version (0 = the
 * current one), and the operator's levers — Promote (the running challenger, or a kept version),
 * Rollback (to the previous or a given version) and Snapshot (publish the model as it is now). Every
 * lever publishes a new snapshot on `models`, so infer swaps to it like to any other.
 */
import { rpc, type GrpcServiceBinding } from "../shared/grpc/handlers.ts";
import { GrpcServiceNames } from "../shared/grpc/load-proto.ts";
import type { ModelSnapshot } from "../shared/messages.ts";
import type { TrainService } from "./train.ts";

type Train = Pick<TrainService, "listModels" | "getModel" | "promote" | "rollback" | "snapshot">;

export function modelInfo(s: ModelSnapshot, current: boolean) {
  return { modelName: s.modelName, version: s.version, createdMs: s.createdMs, nUpdates: s.nUpdates, reason: s.reason, current, metrics: s.metrics };
}

export function createTrainGrpc(train: Train): GrpcServiceBinding {
  return {
    name: GrpcServiceNames.train,
    methods: {
      ListModels: rpc.unary(() => {
        const models = train.listModels();
        const last = models.at(-1)?.version;
        return { models: models.map((s) => modelInfo(s, s.version === last)) };
      }),
      GetModel: rpc.unary((req: { version: number }) => train.getModel(req.version)),
      Promote: rpc.unary((req: { version: number }) => train.promote(req.version)),
      Rollback: rpc.unary((req: { version: number }) => train.rollback(req.version)),
      Snapshot: rpc.unary(() => train.snapshot()),
    },
  };
}
