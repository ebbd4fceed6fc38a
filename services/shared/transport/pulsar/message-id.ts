/**
 * Pulsar message ids as the WebSocket API sends them: base64 of the MessageIdData protobuf
 * (ledgerId = 1, entryId = 2, partition = 3, batch_index = 4, …). The transport prints them as
 * `ledger:entry:partition[:batch]` so a publish's id equals the delivered message's id (the producer
 * ack and the consumer frame encode the same position with different optional fields).
 */

export interface Position {
  readonly ledgerId: number;
  readonly entryId: number;
  readonly partition: number;
  readonly batchIndex: number;
}

function varint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0n;
  let shift = 0n;
  let i = at;
  for (;;) {
    const b = bytes[i++];
    if (b === undefined) throw new RangeError("truncated varint");
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7n;
  }
  return [Number(BigInt.asIntN(64, value)), i];
}

/** Decodes a base64 MessageIdData; unknown fields are skipped. */
export function decodeMessageId(base64: string): Position {
  const bytes = Buffer.from(base64, "base64");
  const fields: Record<number, number> = { 3: -1, 4: -1 };
  let i = 0;
  while (i < bytes.length) {
    const [tag, afterTag] = varint(bytes, i);
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) {
      const [value, next] = varint(bytes, afterTag);
      fields[field] = value;
      i = next;
    } else if (wire === 2) {
      const [length, next] = varint(bytes, afterTag);
      i = next + length;
    } else if (wire === 1) {
      i = afterTag + 8;
    } else if (wire === 5) {
      i = afterTag + 4;
    } else {
      break;
    }
  }
  return { ledgerId: fields[1] ?? -1, entryId: fields[2] ?? -1, partition: fields[3], batchIndex: fields[4] };
}

/** `ledger:entry:partition`, plus `:batch` for a message inside a batch. */
export function formatMessageId(base64: string): string {
  try {
    const p = decodeMessageId(base64);
    return `${p.ledgerId}:${p.entryId}:${p.partition}${p.batchIndex >= 0 ? `:${p.batchIndex}` : ""}`;
  } catch {
    return base64;
  }
}

/** Negative, zero or positive as `a` is before, at or after `b` (ledger, then entry, then batch). */
export function comparePositions(a: Position, b: Position): number {
  return a.ledgerId - b.ledgerId || a.entryId - b.entryId || Math.max(a.batchIndex, -1) - Math.max(b.batchIndex, -1);
}
