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

/** A function's dead-letter topic for one input: `<input>-<subscription>-DLQ`, as Pulsar names it. */
export function deadLetterTopic(input: string, subscription: string): string {
  return `${input}-${subscription}-DLQ`;
}

/**
 * Where the event path's functions dead-letter an event (validate, feature and infer subscribe under
 * their function names): the ledger reads them, so a dead-lettered event is reported as such.
 */
export const EventDeadLetterTopics: readonly string[] = [
  deadLetterTopic(Topics.eventsRaw, "validate"),
  deadLetterTopic(Topics.eventsValid, "feature"),
  deadLetterTopic(Topics.features, "infer"),
];

/** Message property names carried on every mesh message. */
export const Props = {
  eventId: "event-id",
  schemaVersion: "schema-version",
  traceparent: "traceparent",
  tracestate: "tracestate",
} as const;
