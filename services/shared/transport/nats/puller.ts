/**
 * Pull loops: a consumer (shared; exclusive / failover while it holds the lease) or a key_shared
 * group fetches from the subscription's durable pull consumer no more messages than it has permits
 * for (receiverQueueSize minus what it holds), so flow control is per consumer, as in Pulsar.
 */
import type { JsMsg } from "@nats-io/jetstream";
import { decodeHeaders } from "./codec.ts";
import { adopt, offer, redeliver, release, safely } from "./consumer.ts";
import { DONE, QUEUED, type Group, type Held, type LocalConsumer, type Nacked } from "./types.ts";

/** What a pull loop feeds. */
export interface PullTarget {
  permits(): number;
  deliver(held: Held): void;
  /** A message that arrived after the target stopped: hold it, to be nacked once the loop ended. */
  late(held: Held): void;
  /**
   * The loop ended and no pull request of it is open. Unless the consumer closed (closing naks all it
   * holds), the target lost its lease: nak the late messages now, so the next holder gets them.
   */
  ended(): void;
  stopped(): boolean;
  /** Sets the waker of a loop waiting for permits. */
  setKick(kick: (() => void) | undefined): void;
}

export function newHeld(m: JsMsg, key: string | undefined, nacked: Map<number, Nacked>): Held {
  const seq = m.info.streamSequence;
  let redeliveryCount = m.info.deliveryCount - 1;
  const before = nacked.get(seq);
  if (before !== undefined) {
    nacked.delete(seq);
    // Not counted: the server's redeliveries that were refreshes. Never lower than one more than before.
    redeliveryCount = Math.max(redeliveryCount - before.stalls, before.count + 1);
  }
  return {
    m,
    seq,
    key,
    redeliveryCount,
    serverCount: m.info.deliveryCount,
    consumer: undefined,
    state: QUEUED,
    touched: Date.now(),
    timer: undefined,
  };
}

/**
 * A server redelivery of a message a local consumer still holds (queued, handed out or parked): the process
 * stalled past ack_wait, so no `working()` reached the server. The consumer will still settle it, so this
 * restarts the server's clock instead of delivering it twice (a duplicate, and a count towards the
 * dead-letter limit for a message that never failed). Returns whether it was one.
 */
export function refreshHeld(group: Group, m: JsMsg): boolean {
  const seq = m.info.streamSequence;
  const redelivered = m.info.deliveryCount > 1; // parked (key_shared) is a list: searched only then
  for (const c of group.consumers) {
    const mine = c.held.get(seq) ?? (redelivered ? c.parked.find((h) => h.seq === seq) : undefined);
    if (mine === undefined || mine.state === DONE) continue;
    safely(() => m.working());
    mine.touched = Date.now();
    mine.serverCount = Math.max(mine.serverCount, m.info.deliveryCount);
    return true;
  }
  return false;
}

function keyOf(m: JsMsg): string | undefined {
  return m.headers === undefined ? undefined : decodeHeaders(m.headers).key;
}

/**
 * Runs a pull loop until the target stops. It never abandons an open pull request (JetStream 2.9
 * would keep feeding it), so it returns at most `fetchExpiresMs` after the target stopped.
 */
export async function pullLoop(group: Group, target: PullTarget): Promise<void> {
  const client = group.client;
  while (!target.stopped() && !client.closed) {
    const permits = target.permits();
    if (permits <= 0) {
      await new Promise<void>((resolve) => target.setKick(resolve));
      target.setKick(undefined);
      continue;
    }
    try {
      const batch = await group.jsConsumer.fetch({ max_messages: permits, expires: client.fetchExpiresMs });
      for await (const m of batch) {
        if (refreshHeld(group, m)) continue;
        const held = newHeld(m, keyOf(m), group.nacked);
        if (target.stopped() || client.closed) target.late(held);
        else target.deliver(held);
      }
    } catch (err) {
      if (target.stopped() || client.closed) break;
      client.onFault(err);
      await new Promise((resolve) => setTimeout(resolve, 250)); // server restart, consumer deleted …
    }
  }
  if (!client.closed) target.ended();
}

/** Naks messages that arrived after a loop stopped, in stream order (JetStream redelivers naks first). */
export function nakLate(late: Held[]): void {
  late.sort((a, b) => a.seq - b.seq);
  for (const held of late) {
    release(held);
    safely(() => held.m.nak());
  }
}

/** A consumer that fetches for itself (shared, exclusive, failover). */
export function consumerTarget(consumer: LocalConsumer): PullTarget {
  let late: Held[] = [];
  return {
    permits: () => consumer.options.receiverQueueSize - consumer.outstanding,
    deliver(held) {
      const max = consumer.options.maxRedeliveries;
      if (max !== undefined && held.redeliveryCount > max) {
        // Redelivered by the server past the limit (ack_wait after a crash): dead-letter, don't hand out.
        adopt(consumer, held);
        void redeliver(held, 0);
      } else {
        offer(consumer, held);
      }
    },
    late(held) {
      adopt(consumer, held); // counted and, if the consumer closes, nacked with the rest (nakHeld)
      late.push(held);
    },
    ended() {
      const lapsed = late;
      late = [];
      if (!consumer.closed) nakLate(lapsed.filter((h) => h.state === QUEUED && consumer.held.get(h.seq) === h));
    },
    stopped: () => consumer.closed || (consumer.options.type !== "shared" && consumer.lease?.lost !== false),
    setKick(kick) {
      consumer.kick = kick;
    },
  };
}
