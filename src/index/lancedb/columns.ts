import type * as Arrow from 'apache-arrow';

/**
 * Arrow columns built straight from typed arrays and strings, so that a table of a million passages
 * is not first made into a million row objects (and its vectors are not copied into number arrays).
 */
type ArrowLib = typeof Arrow;

export function int32Column(arrow: ArrowLib, values: ArrayLike<number>): Arrow.Data {
  return arrow.makeData({ type: new arrow.Int32(), length: values.length, nullCount: 0, data: Int32Array.from(values) });
}

export function int64Column(arrow: ArrowLib, values: readonly number[]): Arrow.Data {
  return arrow.makeData({ type: new arrow.Int64(), length: values.length, nullCount: 0, data: BigInt64Array.from(values, (v) => BigInt(v)) });
}

export function boolColumn(arrow: ArrowLib, values: readonly boolean[]): Arrow.Data {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v) bits[i >> 3]! |= 1 << (i & 7);
  });
  return arrow.makeData({ type: new arrow.Bool(), length: values.length, nullCount: 0, data: bits });
}

/**
 * Optional booleans as nullable int8 (0, 1): apache-arrow writes an all-null Bool column without its
 * value bitmap, which LanceDB's Arrow reader refuses ("Need at least … bytes for bitmap").
 */
export function optionalFlagColumn(arrow: ArrowLib, values: readonly (boolean | undefined)[]): Arrow.Data {
  const { nullBitmap, nullCount } = validity(values);
  return arrow.makeData({ type: new arrow.Int8(), length: values.length, nullCount, nullBitmap, data: Int8Array.from(values, (v) => (v ? 1 : 0)) });
}

export function utf8Column(arrow: ArrowLib, values: readonly (string | undefined)[]): Arrow.Data {
  const encoder = new TextEncoder();
  const { offsets, bytes } = concatenate(values.map((v) => (v === undefined ? undefined : encoder.encode(v))));
  const { nullBitmap, nullCount } = validity(values);
  return arrow.makeData({ type: new arrow.Utf8(), length: values.length, nullCount, nullBitmap, valueOffsets: offsets, data: bytes });
}

export function binaryColumn(arrow: ArrowLib, values: readonly Uint8Array[]): Arrow.Data {
  const { offsets, bytes } = concatenate(values);
  return arrow.makeData({ type: new arrow.Binary(), length: values.length, nullCount: 0, valueOffsets: offsets, data: bytes });
}

/** `rows` vectors of `dimension` floats, laid end to end in `values` (not copied). */
export function vectorColumn(arrow: ArrowLib, type: Arrow.FixedSizeList<Arrow.Float32>, values: Float32Array, rows: number): Arrow.Data {
  const child = arrow.makeData({ type: new arrow.Float32(), length: values.length, nullCount: 0, data: values });
  return arrow.makeData({ type, length: rows, nullCount: 0, child });
}

export function vectorType(arrow: ArrowLib, dimension: number): Arrow.FixedSizeList<Arrow.Float32> {
  return new arrow.FixedSizeList(dimension, new arrow.Field('item', new arrow.Float32(), true));
}

/** One record batch of `columns`, which must be in the order of the schema's fields. */
export function recordBatch(arrow: ArrowLib, schema: Arrow.Schema, columns: readonly Arrow.Data[]): Arrow.RecordBatch {
  const length = columns[0]?.length ?? 0;
  if (columns.length !== schema.fields.length || columns.some((c) => c.length !== length)) throw new Error('columns do not match the schema');
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children: columns as Arrow.Data[] });
  return new arrow.RecordBatch(schema, data);
}

/** Rows in batches of at most `size`, so that no batch's byte offsets (32-bit) can overflow. */
export function inBatches<T>(rows: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < rows.length; i += size) batches.push(rows.slice(i, i + size));
  return batches.length ? batches : [[]];
}

function concatenate(values: readonly (Uint8Array | undefined)[]): { offsets: Int32Array; bytes: Uint8Array } {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((v, i) => {
    total += v?.length ?? 0;
    if (total > 0x7fffffff) throw new Error('an Arrow batch of more than 2 GiB of values');
    offsets[i + 1] = total;
  });
  const bytes = new Uint8Array(total);
  values.forEach((v, i) => v && bytes.set(v, offsets[i]!));
  return { offsets, bytes };
}

function validity(values: readonly unknown[]): { nullBitmap?: Uint8Array; nullCount: number } {
  const nullCount = values.reduce<number>((n, v) => n + (v === undefined ? 1 : 0), 0);
  if (nullCount === 0) return { nullCount };
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== undefined) nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap, nullCount };
}
