/**
 * Where did the unaccounted events go? Reads the mesh's topics from the start (limits retention keeps
 * them) and, for each event with neither a prediction nor a rejection, lists the topics that hold it:
 * the event path, the dead-letter topics of the services' subscriptions, and the event-id marks in the
 * stateful services' changelogs. A failing six-process test prints it, so a loss says where it happened.
 */
import { SEEN_PREFIX } from "../../services/shared/function/dedup.ts";
import { codecs } from "../../services/shared/messages.ts";
import { deadLetterTopic, Props, Topics } from "../../services/shared/topics.ts";
import type { Transport } from "../../services/shared/transport/transport.ts";

/** Topic → subscriptions of the services reading it (each has a dead-letter topic). */
const READERS: Record<string, string[]> = {
  [Topics.eventsRaw]: ["validate"],
  [Topics.eventsValid]: ["feature"],
  [Topics.labels]: ["feature", "train", "drift-monitor"],
  [Topics.features]: ["infer", "train"],
  [Topics.predictions]: ["drift-monitor"],
};
const PATH = [Topics.eventsRaw, Topics.eventsValid, Topics.features, Topics.predictions, Topics.eventsRejected];
const CHANGELOGS = ["validate-state-changelog", "feature-state-changelog"];
/** Event id of a payload whose message lacks the event-id property. */
const DECODE: Record<string, (payload: Uint8Array) => string> = {
  [Topics.features]: (p) => codecs.featureVector.decode(p).eventId,
  [Topics.predictions]: (p) => codecs.prediction.decode(p).eventId,
};

export interface LostTrace {
  /** Events on events.raw with neither a prediction nor a rejection. */
  lost: number;
  /** Up to `max` of them: event id → "topic ×copies" where found. */
  where: Record<string, string[]>;
  /** Topics that could not be read, with the error. */
  unreadable: string[];
}

async function readAll(transport: Transport, topic: string, each: (id: string, key: string | undefined) => void): Promise<void> {
  const decode = DECODE[topic];
  for await (const msg of transport.read(topic)) {
    let id = msg.properties[Props.eventId] ?? "";
    if (id === "" && decode !== undefined) id = decode(msg.payload);
    each(id, msg.key);
  }
}

export async function traceLost(transport: Transport, accounted: (eventId: string) => boolean, max = 20): Promise<LostTrace> {
  const unreadable: string[] = [];
  const lostIds = new Set<string>();
  let lost = 0;
  try {
    await readAll(transport, Topics.eventsRaw, (id) => {
      if (id === "" || accounted(id) || lostIds.has(id)) return;
      lost++;
      if (lostIds.size < max) lostIds.add(id);
    });
  } catch (err) {
    return { lost: -1, where: {}, unreadable: [`${Topics.eventsRaw}: ${(err as Error).message}`] };
  }
  const where = new Map<string, Map<string, number>>([...lostIds].map((id) => [id, new Map()]));
  const note = (id: string, topic: string) => {
    const found = where.get(id);
    if (found !== undefined) found.set(topic, (found.get(topic) ?? 0) + 1);
  };
  const topics = [...PATH, ...Object.entries(READERS).flatMap(([topic, subs]) => subs.map((s) => deadLetterTopic(topic, s)))];
  for (const topic of topics) {
    try {
      await readAll(transport, topic, (id) => note(id, topic));
    } catch (err) {
      unreadable.push(`${topic}: ${(err as Error).message}`);
    }
  }
  for (const topic of CHANGELOGS) {
    try {
      await readAll(transport, topic, (_id, key) => {
        if (key?.startsWith(SEEN_PREFIX)) note(key.slice(SEEN_PREFIX.length).split("\u0000")[0], `${topic} (seen)`);
      });
    } catch (err) {
      unreadable.push(`${topic}: ${(err as Error).message}`);
    }
  }
  return {
    lost,
    where: Object.fromEntries([...where].map(([id, found]) => [id, [...found].map(([t, n]) => `${t} ×${n}`)])),
    unreadable,
  };
}
