/**
 * validate's gRPC API (rtml.v1.ValidateService): Validate is a dry run of one event against its dataset
 * schema — every reason it would be rejected for, or the normalised event it would publish — with
 * nothing published and no statistics touched; GetRejectStats counts accepted and rejected events by
 * reject code since start.
 */
import { rpc, type GrpcServiceBinding } from "../shared/grpc/handlers.ts";
import { GrpcServiceNames } from "../shared/grpc/load-proto.ts";
import { eventFromWire, eventToWire, type EventWire } from "../shared/messages.ts";
import type { ValidateFunction } from "./validate.ts";

export function createValidateGrpc(validate: Pick<ValidateFunction, "dryRun" | "stats">): GrpcServiceBinding {
  return {
    name: GrpcServiceNames.validate,
    methods: {
      Validate: rpc.unary((wire: EventWire) => {
        const result = validate.dryRun(eventFromWire(wire));
        return result.ok ? { valid: true, reasons: [], normalized: eventToWire(result.event) } : { valid: false, reasons: result.reasons, normalized: null };
      }),
      GetRejectStats: rpc.unary(() => validate.stats()),
    },
  };
}
