/**
 * The OpenTelemetry semantic-convention names rtml uses, copied here as the semantic-conventions README
 * asks for the incubating (Development-status) messaging attributes rather than importing `incubating`
 * at run time. Stable names (service.*, error.type, rpc.*) are listed for one place to read them.
 */

export const ATTR_SERVICE_NAME = "service.name";
export const ATTR_SERVICE_VERSION = "service.version";
export const ATTR_SERVICE_INSTANCE_ID = "service.instance.id";
export const ATTR_ERROR_TYPE = "error.type";

export const ATTR_MESSAGING_SYSTEM = "messaging.system";
export const ATTR_MESSAGING_DESTINATION_NAME = "messaging.destination.name";
export const ATTR_MESSAGING_OPERATION_NAME = "messaging.operation.name";
export const ATTR_MESSAGING_OPERATION_TYPE = "messaging.operation.type";
export const ATTR_MESSAGING_SUBSCRIPTION_NAME = "messaging.destination.subscription.name";
export const ATTR_MESSAGING_MESSAGE_ID = "messaging.message.id";
export const ATTR_MESSAGING_BATCH_COUNT = "messaging.batch.message_count";

/** rtml's own attributes (the `rtml.` namespace). */
export const ATTR_RTML_FUNCTION = "rtml.function";
export const ATTR_RTML_EVENT_ID = "rtml.event.id";
export const ATTR_MODEL_NAME = "rtml.model.name";
export const ATTR_MODEL_VERSION = "rtml.model.version";
export const ATTR_MODEL_PREVIOUS_VERSION = "rtml.model.previous_version";

/** Metric names. */
export const METRIC_MESSAGING_PROCESS_DURATION = "messaging.process.duration";
export const METRIC_MESSAGING_CONSUMED = "messaging.client.consumed.messages";
export const METRIC_MESSAGING_SENT = "messaging.client.sent.messages";
export const METRIC_MESSAGES_PROCESSED = "rtml.messages.processed";
export const METRIC_MESSAGES_FAILED = "rtml.messages.failed";
export const METRIC_CONSUMER_BACKLOG = "rtml.consumer.backlog";

/** Buckets recommended by the messaging-metrics conventions (seconds). */
export const DURATION_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
