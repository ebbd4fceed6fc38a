/**
 * Coalesces the client's small protocol writes (acks, publishes) into one socket write per turn of the
 * event loop. nats.js flushes its outbound buffer one microtask after a command, so commands issued from
 * separate promise continuations (one ack per processed message, one publish per output) each cost a
 * socket write, a syscall: 30% of the client's CPU in `npm run bench:nats`. Run together in one
 * synchronous block at setImmediate, they go out as one write; the delay is one event-loop turn.
 */
export interface WriteBatcher {
  /** Runs `write` with the others deferred in this turn (in order); it must not throw. */
  defer(write: () => void): void;
  /** Runs every deferred write now (before a flush or close of the connection). */
  flush(): void;
}

export function createWriteBatcher(): WriteBatcher {
  let queue: (() => void)[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const writes = queue;
    queue = [];
    for (const write of writes) write();
  };
  return {
    defer(write) {
      queue.push(write);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
