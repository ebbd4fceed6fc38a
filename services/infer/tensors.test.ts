import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rowsOf } from "./open-inference.ts";
import { decodeRaw, decodeTyped, encodeBytes, encodeFp32 } from "./tensors.ts";

describe("Open Inference Protocol tensors", () => {
  it("decodes raw little-endian data of every numeric type", () => {
    assert.deepEqual([...decodeRaw("x", "FP32", encodeFp32([1.5, -2]), 2)], [1.5, -2]);
    const i64 = Buffer.alloc(16);
    i64.writeBigInt64LE(-5n, 0);
    i64.writeBigInt64LE(7n, 8);
    assert.deepEqual([...decodeRaw("x", "INT64", i64, 2)], [-5, 7]);
    assert.deepEqual([...decodeRaw("x", "FP16", Buffer.from([0x00, 0x3c, 0x00, 0xc0]), 2)], [1, -2]);
    assert.throws(() => decodeRaw("x", "FP32", Buffer.alloc(7), 2), /7 raw bytes, expected 8/);
    assert.throws(() => decodeRaw("x", "BYTES", Buffer.alloc(4), 1), /not numeric/);
  });

  it("decodes typed contents and checks their count", () => {
    assert.deepEqual([...decodeTyped("x", "INT32", { intContents: [1, 2] }, 2)], [1, 2]);
    assert.deepEqual([...decodeTyped("x", "BOOL", { boolContents: [true, false] }, 2)], [1, 0]);
    assert.throws(() => decodeTyped("x", "FP64", { fp64Contents: [1] }, 2), /1 FP64 values, shape needs 2/);
    assert.throws(() => decodeTyped("x", "FP16", {}, 1), /raw_input_contents/);
  });

  it("encodes BYTES as 4-byte length-prefixed elements", () => {
    assert.deepEqual([...encodeBytes(["ab", ""])], [2, 0, 0, 0, 97, 98, 0, 0, 0, 0]);
  });

  it("reads rows from a [N, F] matrix or from one tensor per feature; NaN is an absent feature", () => {
    const names = ["a", "b"];
    const matrix = rowsOf({ inputs: [{ name: "features", datatype: "FP64", shape: [2, 2], contents: { fp64Contents: [1, Number.NaN, 3, 4] } }], rawInputContents: [] }, names);
    assert.deepEqual(matrix, [{ a: 1 }, { a: 3, b: 4 }]);
    const perFeature = rowsOf({
      inputs: [{ name: "b", datatype: "FP32", shape: [2, 1], contents: null }, { name: "a", datatype: "FP32", shape: [2], contents: null }],
      rawInputContents: [encodeFp32([4, 5]), encodeFp32([1, 2])],
    }, names);
    assert.deepEqual(perFeature, [{ b: 4, a: 1 }, { b: 5, a: 2 }]);
    assert.throws(() => rowsOf({ inputs: [{ name: "c", datatype: "FP32", shape: [1], contents: { fp32Contents: [1] } }], rawInputContents: [] }, names), /not a feature/);
    assert.throws(() => rowsOf({ inputs: [{ name: "features", datatype: "FP32", shape: [1, 3], contents: { fp32Contents: [1, 2, 3] } }], rawInputContents: [] }, names), /expected \[N, 2\]/);
  });
});
