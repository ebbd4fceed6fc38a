/**
 * Open Inference Protocol v2 tensor data ↔ numbers: typed `contents` or `raw_input_contents`
 * (flattened row-major, little-endian, no padding; BYTES elements are 4-byte length-prefixed), for
 * every numeric datatype the protocol names plus BOOL. Pure; errors are INVALID_ARGUMENT with the reason.
 */
import { RtmlError } from "../shared/errors.ts";

export interface TensorContents {
  boolContents?: boolean[];
  intContents?: number[];
  int64Contents?: number[];
  uintContents?: number[];
  uint64Contents?: number[];
  fp32Contents?: number[];
  fp64Contents?: number[];
  bytesContents?: Uint8Array[];
}

const SIZES: Record<string, number> = {
  BOOL: 1, INT8: 1, UINT8: 1, INT16: 2, UINT16: 2, FP16: 2, INT32: 4, UINT32: 4, FP32: 4, INT64: 8, UINT64: 8, FP64: 8,
};

const bad = (message: string) => new RtmlError("INVALID_ARGUMENT", message, { details: { reason: "tensor" } });

/** Number of elements of a shape; every dimension must be a non-negative integer. */
export function elementCount(name: string, shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw bad(`input "${name}": shape [${shape.join(", ")}] has an invalid dimension`);
    n *= d;
  }
  return n;
}

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Decodes raw little-endian tensor bytes of a numeric datatype into numbers. */
export function decodeRaw(name: string, datatype: string, raw: Uint8Array, count: number): Float64Array {
  const size = SIZES[datatype];
  if (size === undefined) throw bad(`input "${name}": datatype ${datatype} is not numeric (use ${Object.keys(SIZES).join(", ")})`);
  if (raw.byteLength !== size * count) {
    throw bad(`input "${name}": ${raw.byteLength} raw bytes, expected ${size * count} (${count} × ${datatype})`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = i * size;
    switch (datatype) {
      case "FP32": out[i] = view.getFloat32(o, true); break;
      case "FP64": out[i] = view.getFloat64(o, true); break;
      case "FP16": out[i] = half(view.getUint16(o, true)); break;
      case "INT8": out[i] = view.getInt8(o); break;
      case "UINT8": case "BOOL": out[i] = view.getUint8(o); break;
      case "INT16": out[i] = view.getInt16(o, true); break;
      case "UINT16": out[i] = view.getUint16(o, true); break;
      case "INT32": out[i] = view.getInt32(o, true); break;
      case "UINT32": out[i] = view.getUint32(o, true); break;
      case "INT64": out[i] = Number(view.getBigInt64(o, true)); break;
      case "UINT64": out[i] = Number(view.getBigUint64(o, true)); break;
    }
  }
  return out;
}

/** Decodes typed contents of a numeric datatype into numbers. */
export function decodeTyped(name: string, datatype: string, contents: TensorContents | null | undefined, count: number): Float64Array {
  const c = contents ?? {};
  let values: readonly (number | boolean)[] | undefined;
  switch (datatype) {
    case "FP32": values = c.fp32Contents; break;
    case "FP64": values = c.fp64Contents; break;
    case "INT8": case "INT16": case "INT32": values = c.intContents; break;
    case "UINT8": case "UINT16": case "UINT32": values = c.uintContents; break;
    case "INT64": values = c.int64Contents; break;
    case "UINT64": values = c.uint64Contents; break;
    case "BOOL": values = c.boolContents; break;
    case "FP16": throw bad(`input "${name}": FP16 must be sent in raw_input_contents`);
    default: throw bad(`input "${name}": datatype ${datatype} is not numeric`);
  }
  const v = values ?? [];
  if (v.length !== count) throw bad(`input "${name}": ${v.length} ${datatype} values, shape needs ${count}`);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Number(v[i]);
  return out;
}

/** FP32 values as raw little-endian bytes. */
export function encodeFp32(values: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], i * 4);
  return out;
}

/** BYTES elements as raw bytes: each a 4-byte little-endian length, then the bytes. */
export function encodeBytes(values: readonly string[]): Buffer {
  const parts = values.map((v) => Buffer.from(v, "utf8"));
  const out = Buffer.allocUnsafe(parts.reduce((n, p) => n + 4 + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.writeUInt32LE(p.length, o);
    p.copy(out, o + 4);
    o += 4 + p.length;
  }
  return out;
}
