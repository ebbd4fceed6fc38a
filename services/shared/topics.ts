/**
 * The mesh's topics. Logical names map to `persistent://<tenant>/<namespace>/<name>` on Pulsar and to
 * JetStream subjects on NATS; the memory transport uses the logical names as they are.
 */
export const Topics = {
  eventsRaw: "events.raw",
  eventsValid: "events.valid",
  eventsRejected: "events.rejected",
  labels: "labels",
  features: "features",
  predictions: "predictions",
  models: "models",
  alerts: "alerts",
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** Message property names carried on every mesh message. */
export const Props = {
  eventId: "event-id",
  schemaVersion: "schema-version",
  traceparent: "traceparent",
  tracestate: "tracestate",
} as const;
