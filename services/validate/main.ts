/** validate's wiring: events.raw in (shared), events.valid / events.rejected out; running stats in keyed state. */
import { createFunctionRunner } from "../shared/function/runner.ts";
import { startRunners, type RunningService, type ServiceDeps } from "../shared/service.ts";
import { Topics } from "../shared/topics.ts";
import { attachGrpc } from "../shared/grpc/serve.ts";
import { createValidateGrpc } from "./grpc.ts";
import { createValidateFunction, type ValidateFunction } from "./validate.ts";

export async function startValidate(deps: ServiceDeps): Promise<RunningService & { validate: ValidateFunction }> {
  const validate = createValidateFunction({ schemas: [deps.schema] });
  const runner = createFunctionRunner({
    name: "validate",
    transport: deps.transport,
    inputs: [Topics.eventsRaw],
    codec: validate.codec,
    process: validate,
    onDecodeError: validate.onDecodeError,
    subscriptionType: "shared",
    stateful: true,
    maxInFlight: deps.config.maxInFlight,
    maxBatch: deps.config.maxBatch,
    logger: deps.logger,
    metrics: deps.metrics,
    telemetry: deps.telemetry,
  });
  const running = { ...(await startRunners("validate", [runner])), validate };
  return attachGrpc(running, deps, { service: "validate", bindings: () => [createValidateGrpc(validate)] });
}
