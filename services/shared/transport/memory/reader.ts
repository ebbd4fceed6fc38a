/**
 * read(): a Pulsar Reader without a subscription. A compacted topic yields its view (latest message
 * per key, tombstoned keys removed) and then, when tailing, every later message; a non-compacted
 * topic yields what is retained (see trimTopic) in log order.
 */
import { RtmlError } from "../../errors.ts";
import type { InboundMessage, ReadOptions } from "../transport.ts";
import { readMessage } from "./consumer.ts";
import { entryAt, firstSeq, getTopic } from "./store.ts";
import type { ClientState, Entry, ReaderState, TopicState } from "./types.ts";

const END: IteratorResult<InboundMessage> = Object.freeze({ done: true, value: undefined });

/** Ends every open read() iteration of a transport. */
export function closeReaders(client: ClientState): void {
  for (const reader of [...client.readers]) {
    const wake = reader.wake;
    reader.wake = undefined;
    client.readers.delete(reader);
    if (wake !== undefined) wake();
  }
}

function openReader(client: ClientState, topicName: string, untilEnd: boolean): AsyncIterator<InboundMessage> {
  if (client.closed) {
    return {
      next: () => Promise.reject(new RtmlError("FAILED_PRECONDITION", "memory transport is closed: cannot read")),
    };
  }
  const topic: TopicState = getTopic(client.store, topicName);
  const snapshot: Entry[] = topic.view === undefined ? [] : [...topic.view.values()].sort((a, b) => a.seq - b.seq);
  let index = 0;
  const end = topic.nextSeq;
  const reader: ReaderState = { pos: topic.view === undefined ? firstSeq(topic) : topic.nextSeq, wake: undefined };
  let done = false;
  topic.readers.add(reader);
  client.readers.add(reader);

  const finish = (): IteratorResult<InboundMessage> => {
    done = true;
    topic.readers.delete(reader);
    client.readers.delete(reader);
    return END;
  };

  const step = (): IteratorResult<InboundMessage> | undefined => {
    if (done || !client.readers.has(reader)) return finish();
    if (index < snapshot.length) return { done: false, value: readMessage(client, topic.name, snapshot[index++]) };
    if (reader.pos < firstSeq(topic)) reader.pos = firstSeq(topic);
    if (untilEnd && reader.pos >= end) return finish();
    if (reader.pos < topic.nextSeq) return { done: false, value: readMessage(client, topic.name, entryAt(topic, reader.pos++)) };
    return undefined;
  };

  return {
    next(): Promise<IteratorResult<InboundMessage>> {
      const result = step();
      if (result !== undefined) return Promise.resolve(result);
      return new Promise((resolve) => {
        reader.wake = () => resolve(step() ?? finish());
      });
    },
    return(): Promise<IteratorResult<InboundMessage>> {
      return Promise.resolve(finish());
    },
  };
}

/** The AsyncIterable behind Transport.read(); the end position is fixed when iteration starts. */
export function createRead(client: ClientState, topic: string, options: ReadOptions = {}): AsyncIterable<InboundMessage> {
  const untilEnd = options.untilEnd ?? true;
  return { [Symbol.asyncIterator]: () => openReader(client, topic, untilEnd) };
}
