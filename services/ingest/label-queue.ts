/**
 * The bounded FIFO of labels waiting for their delay to pass. A label is due N events after its event
 * (`{events: N}`) or when the stream's event time has passed its event time + T (`{ms: T}`, event-time
 * delay, deterministic at any replay speed). When the queue is full the oldest label is released early
 * (counted as `forced`), so memory stays bounded.
 */
import type { Label } from "../shared/messages.ts";

export type LabelDelay = { events: number } | { ms: number };

export interface PendingLabel {
  label: Label;
  /** Sequence of the label's event. */
  sequence: number;
  /** The event's W3C trace context as published (tracing on), for the label to continue its trace. */
  traceparent?: string;
  tracestate?: string;
}

export interface LabelQueue {
  /** Queues a label; `trace`: the properties its event was published with (their trace context is kept). */
  push(label: Label, sequence: number, trace?: Readonly<Record<string, string>>): void;
  /** Labels due once the event with `sequence` and `eventTimeMs` has been published, oldest first. */
  due(sequence: number, eventTimeMs: number): PendingLabel[];
  /** Labels forced out by the bound (to be published now). */
  overflow(): PendingLabel[];
  /** Everything still waiting (end of stream), oldest first. */
  drain(): PendingLabel[];
  readonly size: number;
  readonly forced: number;
}

export function createLabelQueue(delay: LabelDelay, capacity: number): LabelQueue {
  let items: PendingLabel[] = [];
  let head = 0;
  let forced = 0;
  const compact = () => {
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
  };
  const take = (n: number): PendingLabel[] => {
    const out = items.slice(head, head + n);
    head += out.length;
    compact();
    return out;
  };
  return {
    push(label, sequence, trace) {
      const traceparent = trace?.traceparent;
      if (traceparent === undefined) items.push({ label, sequence });
      else items.push({ label, sequence, traceparent, tracestate: trace?.tracestate });
    },
    due(sequence, eventTimeMs) {
      let n = 0;
      for (let i = head; i < items.length; i++) {
        const p = items[i];
        const ready = "events" in delay ? p.sequence + delay.events <= sequence : p.label.eventTimeMs + delay.ms <= eventTimeMs;
        if (!ready) break;
        if ("ms" in delay) p.label.labelTimeMs = p.label.eventTimeMs + delay.ms;
        else p.label.labelTimeMs = eventTimeMs;
        n++;
      }
      return take(n);
    },
    overflow() {
      const extra = items.length - head - capacity;
      if (extra <= 0) return [];
      forced += extra;
      return take(extra);
    },
    drain() {
      return take(items.length - head);
    },
    get size() {
      return items.length - head;
    },
    get forced() {
      return forced;
    },
  };
}
