/** A minimal async queue behind the transport's async iterables. */

export interface AsyncQueue<T> {
  push(item: T): void;
  /** Ends iteration: pending and later next() calls resolve done (buffered items are dropped). */
  end(): void;
  /** Drops buffered items that match (e.g. deliveries of a connection that is gone). */
  drop(match: (item: T) => boolean): void;
  next(): Promise<IteratorResult<T>>;
  readonly ended: boolean;
  readonly size: number;
}

export function createAsyncQueue<T>(): AsyncQueue<T> {
  let items: T[] = [];
  const waiters: ((result: IteratorResult<T>) => void)[] = [];
  let ended = false;
  return {
    push(item) {
      if (ended) return;
      const waiter = waiters.shift();
      if (waiter !== undefined) waiter({ done: false, value: item });
      else items.push(item);
    },
    end() {
      if (ended) return;
      ended = true;
      items = [];
      for (const waiter of waiters.splice(0)) waiter({ done: true, value: undefined });
    },
    drop(match) {
      items = items.filter((item) => !match(item));
    },
    next() {
      if (items.length > 0) return Promise.resolve({ done: false, value: items.shift() as T });
      if (ended) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve) => waiters.push(resolve));
    },
    get ended() {
      return ended;
    },
    get size() {
      return items.length;
    },
  };
}
