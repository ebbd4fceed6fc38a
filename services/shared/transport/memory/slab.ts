/**
 * Byte copies carved from shared slabs, as Node's Buffer pool does: allocating one small typed array
 * per message costs ~2 µs (its own ArrayBuffer), a copy into a slab ~0.2 µs. A copy is a view
 * (byteOffset/byteLength) into a larger ArrayBuffer, like a Buffer from any network client, and it
 * keeps its slab alive; payloads above `maxSlabbed` get their own buffer.
 */

/** A bump allocator over fixed-size slabs. */
export interface Slab {
  buf: Uint8Array;
  off: number;
  readonly size: number;
  readonly maxSlabbed: number;
}

/** A slab allocator; `size` bytes per slab, payloads up to `maxSlabbed` bytes go into slabs. */
export function createSlab(size: number, maxSlabbed: number): Slab {
  return { buf: new Uint8Array(size), off: 0, size, maxSlabbed };
}

const EMPTY_BUFFER = new ArrayBuffer(0);

/** A private copy of `src`. */
export function copyBytes(slab: Slab, src: Uint8Array): Uint8Array {
  const n = src.byteLength;
  if (n === 0) return new Uint8Array(EMPTY_BUFFER);
  if (n > slab.maxSlabbed) return src.slice();
  let off = slab.off;
  if (off + n > slab.size) {
    slab.buf = new Uint8Array(slab.size);
    off = 0;
  }
  const buf = slab.buf;
  buf.set(src, off);
  // Keep 8-byte alignment so a consumer may lay a wider typed array over its payload.
  slab.off = (off + n + 7) & ~7;
  return new Uint8Array(buf.buffer, off, n);
}
