/**
 * Trace and span ids for the SDK's TracerProvider (its `idGenerator`, set in setup.ts): random like the
 * SDK's own RandomIdGenerator (Math.random, never all zeros), but each built as one flat string in
 * JavaScript, without the SDK's shared Buffer and its hex conversion through C++. At a low sampling
 * ratio ingest's root span per event is most of the tracing work left on the hot path, and its ids are
 * made whether the trace is sampled or not. Structurally the SDK's IdGenerator (no SDK import here).
 */

/** Char codes of the 16 lowercase hex digits. */
const HEX = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

const random32 = (): number => (Math.random() * 4294967296) >>> 0;
/** The hex digit of `word` at bit offset `shift` (28, 24, … 0: most significant first). */
const digit = (word: number, shift: number): number => HEX[(word >>> shift) & 15];

export const fastIdGenerator = Object.freeze({
  /** 32 lowercase hex characters (128 random bits, not all zero). */
  generateTraceId(): string {
    const a = random32();
    const b = random32();
    const c = random32();
    let d = random32();
    if ((a | b | c | d) === 0) d = 1;
    return String.fromCharCode(
      digit(a, 28), digit(a, 24), digit(a, 20), digit(a, 16), digit(a, 12), digit(a, 8), digit(a, 4), digit(a, 0),
      digit(b, 28), digit(b, 24), digit(b, 20), digit(b, 16), digit(b, 12), digit(b, 8), digit(b, 4), digit(b, 0),
      digit(c, 28), digit(c, 24), digit(c, 20), digit(c, 16), digit(c, 12), digit(c, 8), digit(c, 4), digit(c, 0),
      digit(d, 28), digit(d, 24), digit(d, 20), digit(d, 16), digit(d, 12), digit(d, 8), digit(d, 4), digit(d, 0),
    );
  },
  /** 16 lowercase hex characters (64 random bits, not all zero). */
  generateSpanId(): string {
    const a = random32();
    let b = random32();
    if ((a | b) === 0) b = 1;
    return String.fromCharCode(
      digit(a, 28), digit(a, 24), digit(a, 20), digit(a, 16), digit(a, 12), digit(a, 8), digit(a, 4), digit(a, 0),
      digit(b, 28), digit(b, 24), digit(b, 20), digit(b, 16), digit(b, 12), digit(b, 8), digit(b, 4), digit(b, 0),
    );
  },
});
